"""Judging a contest: who judges (``JuryMember``), which entries each juror scores
(``Assignment``), their score sheets with a score per criterion (``ScoreSheet``, ``Score``) and
the audit log of every change to them (``ScoreChange``); where judging stands (``Judging``), the
chair's decisions (``ChairDecision``) and the results frozen when the chair publishes them
(``Result``).

Every change of a judging state or a score sheet's status is a function of
``contests.domain.judging`` and ``contests.domain.score_sheet``; assignments are made by
``contests.assignment``; results are computed by ``contests.results`` with the plain functions
of ``contests.scoring``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models import Library

from .entries import Entry
from .rules import Criterion, Nomination


class JuryMember(models.Model):
    """A juror of one contest: a site user (invited by e-mail to set a password, no admin
    access needed), the chair or a member, with their library — a juror never scores an entry
    from their own library."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        MEMBER = "member", _("member")

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="jury",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="jury_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    library = models.ForeignKey(
        Library,
        verbose_name=_("library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The juror never scores entries from this library."),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    # The invitation with the link to set a password, sent once (base.mail.send_once).
    invitation_sent_at = models.DateTimeField(
        _("invitation sent at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["contest", "role", "user__last_name", "user__first_name", "pk"]
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="one_membership_per_juror")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_chair(self):
        return self.role == self.Role.CHAIR


class Assignment(models.Model):
    """An entry a juror is to score. ``order_key`` is random per juror, so that each juror
    meets their entries in their own order (against order bias). A conflict of interest the
    juror declares takes the entry off them (the row stays, for the record) and the entry is
    given to another juror."""

    juror = models.ForeignKey(
        JuryMember, verbose_name=_("juror"), on_delete=models.CASCADE, related_name="assignments"
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="assignments"
    )
    order_key = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    conflict_declared_at = models.DateTimeField(
        _("conflict of interest declared at"), null=True, blank=True
    )
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)

    class Meta:
        ordering = ["juror", "order_key", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry"], name="one_assignment_per_juror")
        ]

    def __str__(self):
        return f"{self.juror} — {self.entry_id}"

    @property
    def is_active(self):
        return self.conflict_declared_at is None


class ScoreSheet(models.Model):
    """A juror's scores of one entry: a draft the juror saves as often as they like, then
    submitted, which locks it (only the chair can reopen it). ``version`` grows with every
    save: a save made from an older version (another tab) is refused instead of overwriting."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="sheet"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    comment = models.TextField(_("overall comment"), blank=True, max_length=5000)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self):
        return str(self.assignment)

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class Score(models.Model):
    """One criterion's score on a sheet: 0 … the criterion's maximum, or «not applicable»
    (kept as missing, never counted as zero), with an optional comment."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        ordering = ["sheet", "criterion__sort_order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class ScoreChange(models.Model):
    """The audit log: every change to a score sheet — a score, a comment, a submission, a
    reopening — with who made it, when, and the old and new values. Shown to the chair and
    exported with the protocol."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="changes")
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(_("what changed"), max_length=20)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")

    def __str__(self):
        return f"{self.sheet_id} {self.field}: {self.old} → {self.new}"


class Judging(models.Model):
    """Where a contest's judging stands — preparing, open, closed by the chair, results
    published — kept off the page (whose fields are revisioned editorial content). Changed only
    by ``contests.domain.judging``."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        OPEN = "open", _("judging under way")
        CLOSED = "closed", _("judging closed")
        PUBLISHED = "published", _("results published")

    contest = models.OneToOneField(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="judging",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    opened_at = models.DateTimeField(_("judging opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("judging closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    log = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("judging")
        verbose_name_plural = _("judging")

    def __str__(self):
        return f"{self.contest}: {self.get_state_display()}"

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED


class ChairDecision(models.Model):
    """What the chair records about an entry before publishing: its order among entries the
    tie-break chain could not separate (lower first), and a special prize."""

    contest = models.ForeignKey(
        "contests.ContestPage", on_delete=models.CASCADE, related_name="chair_decisions"
    )
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="chair_decision")
    tie_order = models.PositiveSmallIntegerField(_("order among tied entries"), null=True)
    special_prize = models.CharField(_("special prize"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chair's decision")
        verbose_name_plural = _("chair's decisions")

    def __str__(self):
        return f"{self.entry_id}: {self.tie_order} {self.special_prize}"


class Result(models.Model):
    """An entry's result as published: its place in its nomination (1–3 for winners), a special
    prize, and the scores it was ranked on. Frozen when the chair publishes, so the public
    results, the diplomas and the protocol agree whatever happens to the sheets later."""

    contest = models.ForeignKey(
        "contests.ContestPage", on_delete=models.CASCADE, related_name="results"
    )
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="result")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="+")
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    tied = models.BooleanField(_("shared place"), default=False)
    special_prize = models.CharField(_("special prize"), max_length=255, blank=True)
    score = models.FloatField(_("score"), null=True)
    mean = models.FloatField(_("mean"), null=True)
    median = models.FloatField(_("median"), null=True)
    trimmed_mean = models.FloatField(_("trimmed mean"), null=True)
    normalised = models.FloatField(_("normalised score"), null=True)
    spread = models.FloatField(_("spread"), null=True)
    sheets = models.PositiveSmallIntegerField(_("score sheets"), default=0)

    class Meta:
        ordering = ["nomination__sort_order", "place", "pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return f"{self.entry_id}: {self.place}"

    @property
    def is_winner(self):
        return self.place is not None and self.place <= 3
