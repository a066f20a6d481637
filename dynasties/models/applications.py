"""A family's application to the festival and its photographs.

An ``Application`` is made on the festival page's public form by a contact person (an
``Applicant``: personal data under 152-FZ, found and erased by the retention job). The family it
describes — members, kinship, work periods — is kept as the plain data of ``dynasties.family``
(``family``), checked as a whole when submitted. Editors moderate it (``domain.application``):
accepting it creates a draft ``DynastyPage`` with the family filled in; returning it asks the
family to correct it through their private link; rejecting it ends it. Photos are processed by
a worker (``dynasties.photos``): checked by content, refused before decoding when they have too
many pixels, re-encoded without their metadata, with a thumbnail.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuzbib_site.base.models import Applicant
from kuzbib_site.base.storage import PrivateStorage

from .. import family


def photo_storage():
    """Applicants' photos are private until an editor accepts the application."""
    return PrivateStorage("dynasties")


class Application(Applicant):
    """A family's application to a festival: the family's name, municipality, the members with
    their kinship and work periods, the family's story, photos, and the contact person (the
    ``Applicant`` fields) who is e-mailed about each decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("dynasty application", "submitted")
        RETURNED = "returned", _("returned for corrections")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

        @classmethod
        def open(cls):
            """Waiting for an editor's decision or for the family's corrections."""
            return frozenset({cls.SUBMITTED, cls.RETURNED})

        @classmethod
        def decided(cls):
            return frozenset({cls.ACCEPTED, cls.REJECTED})

        @classmethod
        def notified(cls):
            """The statuses the contact person is e-mailed about."""
            return frozenset({cls.RETURNED, cls.ACCEPTED, cls.REJECTED})

    festival = models.ForeignKey(
        "dynasties.FestivalPage",
        verbose_name=_("festival"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    family_name = models.CharField(_("family name"), max_length=200)
    municipality = models.ForeignKey(
        "base.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    story = models.TextField(_("the family's story"), max_length=10000, blank=True)
    # dynasties.family.Family.to_data(): {"people": […], "links": […], "periods": […]}.
    family = models.JSONField(_("family"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    message = models.TextField(
        _("message to the family"),
        blank=True,
        help_text=_("Why the application is returned or rejected; e-mailed to the contact person."),
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    dynasty = models.ForeignKey(
        "dynasties.DynastyPage",
        verbose_name=_("dynasty page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        editable=False,
    )
    # What the contact person was told, so that each e-mail goes once (base.mail.send_once).
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_status = models.CharField(max_length=20, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dynasty application")
        verbose_name_plural = _("dynasty applications")

    def __str__(self):
        return self.family_name

    def as_family(self):
        return family.Family.from_data(self.family or {})


class ApplicationPhoto(models.Model):
    """A photo sent with an application, and what processing made of it: a copy without
    metadata (EXIF, location included) no larger than ``PHOTO_MAX_SIDE`` and a thumbnail."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being processed")
        READY = "ready", pgettext_lazy("photo", "ready")
        REFUSED = "refused", _("refused")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="photos")
    member = models.PositiveSmallIntegerField(
        _("member No."), null=True, blank=True, help_text=_("Empty: a photo of the family.")
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    file = models.FileField(
        _("file"), storage=photo_storage, upload_to="photos/%Y/%m/", max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    problem = models.TextField(_("problem"), blank=True)
    image = models.FileField(
        _("processed photo"), storage=photo_storage, upload_to="clean/%Y/%m/", blank=True
    )
    thumbnail = models.FileField(
        _("thumbnail"), storage=photo_storage, upload_to="thumbnails/%Y/%m/", blank=True
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("application photo")
        verbose_name_plural = _("application photos")

    def __str__(self):
        return self.original_name
