"""What the ingest makes of an uploaded issue, and what readers add to it.

- ``IssueUpload``: a file an editor uploaded for an issue (a PDF, page images, a ZIP of them),
  split by the worker into
- ``Scan``: one page of the issue — its master image, IIIF tiles, OCR as ALTO (the master text,
  with word coordinates) and the plain text and lemmas drawn from it. Each page is processed by
  its own task, so a bad page never blocks the issue and any page can be run again.
- ``Correction``: a reader's suggested correction of one line of a page's OCR text, moderated by
  editors; the original OCR is never changed, and both versions are searchable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models.lemmas import LemmaText
from kuzbib_site.base.storage import PrivateStorage


def upload_storage():
    return PrivateStorage("periodicals/uploads")


def scan_storage():
    """Masters, tiles and ALTO are private: reading-room and in-copyright issues are served only
    through the views that check ``IssuePage.access``."""
    return PrivateStorage("periodicals/scans")


class IssueUpload(models.Model):
    """A file uploaded for an issue, waiting to be split into its pages (``Scan``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SPLITTING = "splitting", _("being split into pages")
        DONE = "done", _("split into pages")
        FAILED = "failed", _("refused")

    issue = models.ForeignKey(
        "periodicals.IssuePage",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="uploads",
    )
    file = models.FileField(_("file"), storage=upload_storage, upload_to="%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("issue upload")
        verbose_name_plural = _("issue uploads")

    def __str__(self):
        return self.original_name


class Scan(models.Model):
    """One page of an issue. ``status`` follows the page through the ingest: its master image is
    stored, tiled (IIIF level 0), recognised (ALTO) and indexed. ``alto`` is the master text;
    ``text`` is drawn from it (hyphenated words joined, one line of text per ALTO line) and
    ``lemmas`` holds the lemmas of ``text`` and of accepted corrections, pre-reform letters
    folded, searched with the shared ``has_lemmas`` lookup."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        TILING = "tiling", _("making tiles")
        OCR = "ocr", _("recognising text")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    issue = models.ForeignKey(
        "periodicals.IssuePage",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="scans",
    )
    # The upload the page was split from (None for pages made otherwise, e.g. the demo's): a
    # split run again replaces its own pages, and only them.
    upload = models.ForeignKey(
        IssueUpload,
        verbose_name=_("upload"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scans",
    )
    number = models.PositiveSmallIntegerField(_("page"))
    image = models.FileField(
        _("master image"), storage=scan_storage, upload_to="masters/", blank=True
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    tiled = models.BooleanField(_("tiles made"), default=False)
    alto = models.TextField(_("ALTO"), blank=True)
    text = models.TextField(_("text"), blank=True)
    lemmas = LemmaText(_("lemmas"), blank=True, default=" ")
    ocr_engine = models.CharField(_("OCR engine"), max_length=100, blank=True)
    tile_seconds = models.FloatField(_("tiling time, s"), null=True, blank=True)
    ocr_seconds = models.FloatField(_("OCR time, s"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["issue", "number"]
        verbose_name = _("scanned page")
        verbose_name_plural = _("scanned pages")
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="periodicals_scan_number")
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="periodicals_scan_status")]

    def __str__(self):
        return f"{self.issue_id}/{self.number}"

    @property
    def tile_prefix(self):
        """Where the page's IIIF files live in ``scan_storage``: ``tiles/<id>/``."""
        return f"tiles/{self.pk}/"


class Correction(models.Model):
    """A reader's correction of one line of a page's OCR text (an ALTO ``TextLine``). Editors of
    the libraries that hold the title moderate it; an accepted correction is shown and searched
    beside the original, which stays in ``Scan.alto``. The history of a line is its corrections
    in order."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an editor")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    scan = models.ForeignKey(
        Scan, verbose_name=_("page"), on_delete=models.CASCADE, related_name="corrections"
    )
    line = models.CharField(_("line"), max_length=64)
    original = models.TextField(_("text before"))
    proposed = models.TextField(_("corrected text"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    author_name = models.CharField(_("signed"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    reason = models.CharField(_("editor's note"), max_length=300, blank=True)

    class Meta:
        ordering = ["scan", "line", "created_at"]
        verbose_name = _("text correction")
        verbose_name_plural = _("text corrections")
        indexes = [models.Index(fields=["status", "created_at"], name="periodicals_corr_status")]
        # Archive-wide editors: moderate every title's corrections (``CorrectionModerator``
        # gives one library's editors the titles it holds).
        permissions = [("moderate_correction", _("Can moderate text corrections of every title"))]

    def __str__(self):
        return f"{self.scan}: {self.line}"


# --- Who moderates corrections (periodicals.domain.corrections) --------------------------------


class CorrectionModerator(models.Model):
    """An editor of a member library who moderates readers' corrections of the titles that
    library holds (a ``Holding`` of the title). Archive-wide editors hold the permission
    ``periodicals.moderate_correction`` instead; superusers moderate everything."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    library = models.ForeignKey(
        "base.Library",
        verbose_name=_("library"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        ordering = ["library", "user"]
        verbose_name = _("corrections moderator")
        verbose_name_plural = _("corrections moderators")
        constraints = [
            models.UniqueConstraint(fields=["user", "library"], name="periodicals_moderator_once")
        ]

    def __str__(self):
        return f"{self.user}: {self.library}"
