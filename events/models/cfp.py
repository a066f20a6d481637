"""Call for papers: report proposals to a conference's sections, and the decisions on them (the
transitions live in ``events/domain/proposal.py``).

A proposal is accepted or rejected by an editor or by the leader of its section; an accepted one
becomes a talk in a session of the programme. Proposers follow their proposal through a private
link (``token``); their personal data is never public.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models import Applicant
from kuzbib_site.base.storage import PrivateStorage

from .conference import ConferencePage
from .sections import SectionPage
from .sessions import Talk


def private_storage():
    """Proposal files live outside MEDIA_ROOT and are served only by a permission-checked view."""
    return PrivateStorage("proposals")


class Proposal(Applicant):
    class Format(models.TextChoices):
        REPORT = "report", _("report")
        SHORT = "short", _("short talk")
        PRESENTATION = "presentation", _("presentation of experience")
        POSTER = "poster", _("poster")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("under review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

        @classmethod
        def under_review(cls):
            """Statuses in which a decider may still accept or decline it, and its author
            withdraw it."""
            return frozenset({cls.SUBMITTED})

    conference = models.ForeignKey(
        ConferencePage,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    section = models.ForeignKey(
        SectionPage,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), max_length=5000)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.REPORT
    )
    co_authors = models.CharField(
        _("co-authors"),
        max_length=500,
        blank=True,
        help_text=_("Names and libraries of co-authors, separated by semicolons."),
    )
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to="%Y/%m/",
        blank=True,
        max_length=255,
        help_text=_("The text or slides: PDF, DOCX or ODT."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    decision_message = models.TextField(_("message to the author"), blank=True, max_length=3000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    talk = models.OneToOneField(
        Talk,
        verbose_name=_("talk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The last e-mail the author was sent ("received", "accepted", "rejected"): each is sent once
    # (``base.mail.send_once``), however often its task is delivered.
    notified_kind = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report proposal")
        verbose_name_plural = _("report proposals")

    def __str__(self):
        return self.title

    @property
    def under_review(self):
        return self.status in self.Status.under_review()
