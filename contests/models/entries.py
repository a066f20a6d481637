"""Contest entries: the entry with its participant and where it stands, its files as the
processing pipeline saw them, and the flags processing raised. Every change of an entry's
status is a function of ``contests.domain.entry``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models import Applicant, Municipality
from kuzbib_site.base.storage import PrivateStorage

from .rules import Nomination


def entry_storage():
    """Entry files are private: outside MEDIA_ROOT, served only by permission-checked views."""
    return PrivateStorage("entries")


class Entry(Applicant):
    """A contest entry: who submitted it, in which nomination, what it is, its files and where
    it stands. ``number`` is sequential per contest («КНИГИНЯ-2009/017»); the participant follows
    the entry through a private link carrying ``token``."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSING = "processing", _("being checked")
        READY = "ready", _("ready for judging")
        NEEDS_ATTENTION = "needs_attention", _("needs attention")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DISQUALIFIED = "disqualified", _("disqualified")

        @classmethod
        def pending(cls):
            """Still waiting for the processing pipeline."""
            return frozenset({cls.RECEIVED, cls.PROCESSING})

        @classmethod
        def final(cls):
            """Out of the contest: neither the participant nor a manager can withdraw or
            disqualify it any more (only «process again» brings a disqualified entry back)."""
            return frozenset({cls.WITHDRAWN, cls.DISQUALIFIED})

        @classmethod
        def notified(cls):
            """The statuses the participant is e-mailed about."""
            return frozenset({cls.READY, cls.NEEDS_ATTENTION, cls.DISQUALIFIED, cls.WITHDRAWN})

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="entries"
    )
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # A participant under 18 on the submission date enters with a parent's or guardian's consent.
    guardian_name = models.CharField(
        _("parent's or guardian's full name"), max_length=300, blank=True
    )
    guardian_consent_at = models.DateTimeField(
        _("parent's or guardian's consent given at"), null=True, blank=True, editable=False
    )
    # The retention job keeps the participant's name and library when set: a winner's name stays
    # on published results (set by the results, once they are built).
    keeps_public_name = models.BooleanField(
        _("name stays public (published results)"), default=False
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title of the entry"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)
    # Processing (contests.processing): how many runs were started, when the last one began and
    # when one finished; the log is what managers read on the entry's page.
    processing_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    processing_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, editable=False)
    processing_log = models.JSONField(default=list, blank=True, editable=False)
    # A bottom-k MinHash sketch of the entry's text, compared with the contest's other entries.
    text_signature = models.JSONField(default=list, blank=True, editable=False)
    # What the participant was told, so that e-mails go once even if a task runs twice.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_status = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        ordering = ["contest", "number"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="one_number_per_entry")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def code(self):
        return f"{self.contest.entry_prefix}/{self.number:03d}"

    @property
    def is_pending(self):
        """Still waiting for the processing pipeline."""
        return self.status in self.Status.pending()

    @property
    def is_final(self):
        """Withdrawn or disqualified."""
        return self.status in self.Status.final()

    def log(self, message, level="info", now=None):
        """Append a line to the processing log (saved by the caller)."""
        at = (now or timezone.now()).isoformat(timespec="seconds")
        self.processing_log = [*self.processing_log, {"at": at, "level": level, "message": message}]


class EntryFile(models.Model):
    """One file of an entry, with what the upload check found out about it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), storage=entry_storage, upload_to="%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Filled by the processing pipeline.
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    pages = models.PositiveIntegerField(_("pages or slides"), null=True, blank=True)
    words = models.PositiveIntegerField(_("words"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    preview = models.FileField(
        _("preview"), storage=entry_storage, upload_to="previews/%Y/%m/", blank=True
    )
    problem = models.TextField(_("problem"), blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What jurors get in blind mode (contests.anonymity): a copy of the file with its author
    # metadata stripped, the extracted text with the participant's name and library redacted,
    # and whether the preview shows the author (then it is withheld from them).
    blind_file = models.FileField(
        _("copy for the jury"), storage=entry_storage, upload_to="blind/%Y/%m/", blank=True
    )
    blind_text = models.TextField(_("text for the jury"), blank=True)
    preview_shows_author = models.BooleanField(_("preview shows the author"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("entry file")
        verbose_name_plural = _("entry files")

    def __str__(self):
        return self.original_name


class EntryFlag(models.Model):
    """Something the pipeline found that a manager must look at: a file identical to one of
    another entry of the contest, or a text very like another entry's (set on the entry
    processed later, pointing at the earlier one); or, for blind judging, a file whose text,
    metadata or name may reveal the author (``fragment`` is what matched). A manager accepts a
    «may reveal the author» flag, or asks the participant for an anonymous version, before
    judging opens."""

    class Kind(models.TextChoices):
        EXACT_DUPLICATE = "exact_duplicate", _("identical file")
        NEAR_DUPLICATE = "near_duplicate", _("similar text")
        MAY_REVEAL_AUTHOR = "may_reveal_author", _("may reveal the author")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    other_entry = models.ForeignKey(
        Entry,
        verbose_name=_("matching entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.ForeignKey(
        EntryFile, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    fragment = models.TextField(_("matching fragment"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("entry flag")
        verbose_name_plural = _("entry flags")

    def __str__(self):
        if self.other_entry_id is None:
            return f"{self.get_kind_display()}: {self.fragment}"
        return f"{self.get_kind_display()}: {self.other_entry.code}"
