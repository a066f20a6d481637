"""What judging produces, each built in the background (``kuzbib_site.base.builds``): the
diplomas and participants' certificates (``DiplomaBatch`` makes a ``Diploma`` per entry), the
jury's protocol (``JuryProtocol``), the winners' collection (``WinnersCollection``) and the
reminders to jurors with sheets outstanding (``ReminderRound``, one per reminder window, with a
``JurorReminder`` per juror e-mailed)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import dates
from kuzbib_site.base.models import BackgroundBuild

from .entries import Entry, entry_storage
from .jury import JuryMember


class DiplomaBatch(BackgroundBuild):
    """A batch of diplomas (winners) and certificates (participants) of a contest whose results
    are published: one ``Diploma`` with its PDF per judged entry, and all of them in one PDF
    (``file``) for printing. Built on the ``pdf`` queue."""

    build_task = "kuzbib.contests.build_diplomas"
    build_owner = ("contest",)
    result_fields = ("diploma_count",)
    upload_folder = "diplomas"

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="diploma_batches",
    )
    diploma_count = models.PositiveIntegerField(default=0)

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("diplomas batch")
        verbose_name_plural = _("diplomas batches")

    def __str__(self):
        return f"{self.contest} ({dates.moment(self.requested_at)})"


class Diploma(models.Model):
    """A diploma (a winner's place or special prize) or a certificate of participation, with a
    number and a code: its QR code leads to the public verification page, which shows whom it
    was given to and for what. What it says is kept on it as issued."""

    class Kind(models.TextChoices):
        DIPLOMA = "diploma", _("diploma")
        CERTIFICATE = "certificate", _("certificate of participation")

    contest = models.ForeignKey(
        "contests.ContestPage", on_delete=models.CASCADE, related_name="diplomas"
    )
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="diploma")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60, unique=True)
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    recipient = models.CharField(_("awarded to"), max_length=400)
    library_name = models.CharField(_("library"), max_length=500, blank=True)
    entry_title = models.CharField(_("entry"), max_length=300)
    nomination_title = models.CharField(_("nomination"), max_length=255)
    award = models.CharField(_("for"), max_length=255, blank=True)
    file = models.FileField(
        _("file"), storage=entry_storage, upload_to="diplomas/", blank=True, max_length=255
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["contest", "number"]
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")

    def __str__(self):
        return self.number


class JuryProtocol(BackgroundBuild):
    """The minutes of the jury's meeting (протокол заседания жюри) as a PDF: the jury, the
    method, the ranking per nomination with every juror's totals, agreement, and the audit log
    of score changes. Private to the chair and the contest's managers."""

    build_task = "kuzbib.contests.build_protocol"
    build_owner = ("contest",)
    upload_folder = "protocols"

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="protocols",
    )

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("jury protocol")
        verbose_name_plural = _("jury protocols")

    def __str__(self):
        return f"{self.contest} ({dates.moment(self.requested_at)})"


class WinnersCollection(BackgroundBuild):
    """«Сборник конкурсных работ победителей»: a PDF booklet — cover, contents, each winning
    work with its author and library — offered on the contest page once results are published
    (item 6.1 of the 2008 resolution)."""

    build_task = "kuzbib.contests.build_winners_collection"
    build_owner = ("contest",)
    result_fields = ("work_count", "page_count")
    upload_folder = "collections"

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="collections",
    )
    work_count = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("winners' collection")
        verbose_name_plural = _("winners' collections")

    def __str__(self):
        return f"{self.contest} ({dates.moment(self.requested_at)})"


class ReminderRound(BackgroundBuild):
    """One reminder window of a contest's judging (``window`` days before the deadline): beat
    asks for it once, its build e-mails every juror with sheets outstanding, once each
    (``JurorReminder``). A juror who has finished gets nothing."""

    build_task = "kuzbib.contests.send_jury_reminders"
    build_owner = ("contest", "window")
    result_fields = ("sent_count",)
    keep_for = datetime.timedelta(days=365)

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="reminder_rounds",
    )
    window = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_count = models.PositiveIntegerField(default=0)

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("reminder round")
        verbose_name_plural = _("reminder rounds")
        constraints = [
            models.UniqueConstraint(fields=["contest", "window"], name="one_round_per_window")
        ]

    def __str__(self):
        return f"{self.contest}: {self.window}"


class JurorReminder(models.Model):
    """The log of reminders: a juror e-mailed in a round, with how many sheets were
    outstanding. Claimed before sending, so a round that runs twice e-mails each juror once."""

    round = models.ForeignKey(ReminderRound, on_delete=models.CASCADE, related_name="reminders")
    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="reminders")
    outstanding = models.PositiveIntegerField(_("sheets outstanding"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["round", "juror"], name="one_reminder_per_round")
        ]

    def __str__(self):
        return f"{self.round}: {self.juror}"
