"""Reminders to jurors before the end of judging. ``KUZBIB_CONTESTS["JURY_REMINDER_DAYS"]``
lists the windows, in days before ``ContestPage.judging_deadline()`` (by default 3 and 1).

``due(now)`` — called by the contests' beat sweep — asks, for every contest whose judging is
open and whose deadline is ahead, for the reminder round of the window that has begun most
recently (one not already begun before judging opened). A round is a ``ReminderRound`` row,
one per contest and window (a unique constraint; ``get_or_create`` is race-safe), and a
background build sent once committed (``kuzbib.contests.send_jury_reminders``, the mail queue).
Windows skipped while no sweep ran are not made up for: a juror hears once, not twice at once.

The round's build (``build``, run by ``base.builds.run``; it makes no file) e-mails every juror
with outstanding sheets — active assignments of entries ready for judging without a submitted
sheet — once: the ``JurorReminder`` row (unique per round and juror) is claimed before the
message is sent, so a round built twice e-mails nobody twice; a juror who has finished gets
nothing. A message that cannot be sent gives its claim back and the round goes back to the
queue (``OSError``: the mail server is away), for the task's retry or the builds' sweeper; a
worker killed between a claim and its message leaves that juror unreminded in this window
rather than reminded twice."""

import datetime

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import builds
from kuzbib_site.base.mail import build_email
from kuzbib_site.base.queue import enqueue_on_commit

from .conf import setting
from .invitations import site_url
from .models import (
    Assignment,
    ContestPage,
    Entry,
    Judging,
    JurorReminder,
    JuryMember,
    ReminderRound,
    ScoreSheet,
)

SUBJECT = _("Reminder: entries to score in the contest «%(contest)s»")


def windows():
    """The reminder windows in days, nearest the deadline first."""
    return sorted({int(days) for days in setting("JURY_REMINDER_DAYS") if int(days) > 0})


def current_window(contest, now):
    """The window of ``contest`` that has begun most recently at ``now``, or None: none has
    begun, the deadline is past, or the window began before judging was opened."""
    deadline = contest.judging_deadline()
    if deadline is None or deadline <= now:
        return None
    opened = contest.judging.opened_at
    for days in windows():
        begins = deadline - datetime.timedelta(days=days)
        if begins > now:
            continue
        return days if opened is None or begins >= opened else None
    return None


def due(now=None):
    """Ask for the reminder rounds that have come due at ``now``; returns the new ones."""
    now = now or timezone.now()
    contests = (
        ContestPage.objects.filter(live=True, judging__state=Judging.State.OPEN)
        .select_related("judging")
        .prefetch_related("stages")
    )
    asked = []
    for contest in contests:
        window = current_window(contest, now)
        if window is None:
            continue
        with transaction.atomic():
            reminder_round, created = ReminderRound.objects.get_or_create(
                contest=contest, window=window
            )
            if created:
                enqueue_on_commit(builds.task_of(ReminderRound), build_id=reminder_round.pk)
                asked.append(reminder_round)
    return asked


# --- The round's build ----------------------------------------------------------------------------


def outstanding(contest):
    """``{juror id: sheets outstanding}`` of ``contest``'s jurors who have any."""
    rows = (
        Assignment.objects.filter(
            juror__contest=contest, conflict_declared_at=None, entry__status=Entry.Status.READY
        )
        .exclude(sheet__status=ScoreSheet.Status.SUBMITTED)
        .values("juror")
        .annotate(count=Count("pk"))
    )
    return {row["juror"]: row["count"] for row in rows}


def _claim(reminder_round, juror, count):
    """The reminder of ``juror`` in this round, claimed now, or None if it was claimed before."""
    try:
        with transaction.atomic():
            return JurorReminder.objects.create(
                round=reminder_round, juror=juror, outstanding=count
            )
    except IntegrityError:
        return None


def build_reminder(juror, count, deadline):
    contest = juror.contest
    context = {
        "juror": juror,
        "contest": contest,
        "count": count,
        "deadline": timezone.localtime(deadline),
        "jury_url": site_url(contest, reverse("contests_jury:dashboard")),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(SUBJECT) % {"contest": contest.title}
    return build_email(juror.user.email, subject, "contests/emails/jury_reminder", context)


def send(reminder_round):
    """The work of a round's build: e-mail each juror with outstanding sheets once. Nothing is
    sent once judging is no longer open or its deadline has passed."""
    contest = (
        ContestPage.objects.select_related("judging")
        .prefetch_related("stages")
        .get(pk=reminder_round.contest_id)
    )
    deadline = contest.judging_deadline()
    judging = getattr(contest, "judging", None)
    counts = {}
    if judging is not None and judging.is_open and deadline and deadline > timezone.now():
        counts = outstanding(contest)
    jurors = (
        JuryMember.objects.filter(pk__in=counts, user__is_active=True)
        .exclude(user__email="")
        .exclude(reminders__round=reminder_round)
        .select_related("user", "contest")
        .order_by("pk")
    )
    failed = None
    with get_connection() as connection:
        for juror in jurors:
            claimed = _claim(reminder_round, juror, counts[juror.pk])
            if claimed is None:
                continue
            try:
                connection.send_messages([build_reminder(juror, counts[juror.pk], deadline)])
            except OSError as error:
                claimed.delete()
                failed = failed or error
                continue
            JurorReminder.objects.filter(pk=claimed.pk).update(sent_at=timezone.now())
    reminder_round.sent_count = reminder_round.reminders.exclude(sent_at=None).count()
    if failed is not None:
        raise failed


def build(round_id):
    """Run the reminder round ``round_id`` (``base.builds.run``): an ``OSError`` (the mail
    server away) queues it again and propagates, for the task to retry."""
    return builds.run(round_id, ReminderRound, send, retry_on=(OSError,))
