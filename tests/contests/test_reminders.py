"""Reminders to jurors before the end of judging: which window is due when, one round per
window, one e-mail per juror with outstanding sheets and none to a juror who has finished,
however often the round runs; a mail server that is away gives the claims back for the retry.
Last, the same with beat's sweep and a real worker sending the e-mails."""

import datetime
import email
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from contests import reminders, tasks
from contests.models import (
    Assignment,
    Judging,
    JurorReminder,
    JuryMember,
    ReminderRound,
    ScoreSheet,
    Stage,
)
from kuzbib_site.base.queue import enqueue
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import judged_contest

DAY = datetime.timedelta(days=1)


def open_judging(contest, deadline, opened):
    """Judging of ``contest`` open since ``opened``, ending at ``deadline``."""
    Stage.objects.filter(contest=contest, kind=Stage.Kind.JUDGING).update(end=deadline)
    Judging.objects.update_or_create(
        contest=contest, defaults={"state": Judging.State.OPEN, "opened_at": opened}
    )


def give_out(contest):
    """Every entry to every juror, as ``assignment.assign`` does in the «all» mode."""
    for juror in contest.jury.all():
        for entry in contest.entries.all():
            Assignment.objects.create(juror=juror, entry=entry)


def submit_all(juror):
    for assignment in juror.assignments.all():
        ScoreSheet.objects.update_or_create(
            assignment=assignment, defaults={"status": ScoreSheet.Status.SUBMITTED}
        )


@pytest.fixture
def contest(home_page):
    """Three entries; the chair has finished, the second juror has scored one entry (and
    started another), the third none; judging ends in two days."""
    contest = judged_contest(
        ContestIndexPageFactory(parent=home_page), entries=3, jurors=3, title="КНИГИНЯ"
    )
    now = timezone.now()
    open_judging(contest, deadline=now + 2 * DAY, opened=now - 5 * DAY)
    give_out(contest)
    chair, second, _third = contest.jury.order_by("pk")
    submit_all(chair)
    first, started, _left = second.assignments.order_by("pk")
    ScoreSheet.objects.create(assignment=first, status=ScoreSheet.Status.SUBMITTED)
    ScoreSheet.objects.create(assignment=started, status=ScoreSheet.Status.DRAFT)
    return contest


def jurors(contest):
    return list(contest.jury.select_related("user").order_by("pk"))


# --- When -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_window_begun_most_recently_is_due(contest, settings):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "JURY_REMINDER_DAYS": [3, 1]}
    now = timezone.now()
    deadline = contest.judging_deadline()
    contest.refresh_from_db()
    assert reminders.current_window(contest, deadline - 4 * DAY) is None
    assert reminders.current_window(contest, deadline - 2 * DAY) == 3
    assert reminders.current_window(contest, deadline - DAY / 2) == 1
    assert reminders.current_window(contest, deadline) is None
    assert reminders.current_window(contest, deadline + DAY) is None
    # Judging opened two days before the deadline: the three-day window had begun before.
    Judging.objects.filter(contest=contest).update(opened_at=deadline - 2 * DAY)
    contest = type(contest).objects.select_related("judging").get(pk=contest.pk)
    assert reminders.current_window(contest, now) is None
    assert reminders.current_window(contest, deadline - DAY / 2) == 1


@pytest.mark.django_db
def test_a_round_e_mails_each_juror_with_outstanding_sheets_once(
    contest, django_capture_on_commit_callbacks
):
    chair, second, third = jurors(contest)
    with django_capture_on_commit_callbacks(execute=True):
        [reminder_round] = reminders.due(timezone.now())
    assert reminder_round.window == 3
    reminder_round.refresh_from_db()
    assert reminder_round.status == ReminderRound.Status.READY and not reminder_round.file
    assert reminder_round.sent_count == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [second.user.email, third.user.email]
    )
    logged = {r.juror_id: r.outstanding for r in reminder_round.reminders.all()}
    assert logged == {second.pk: 2, third.pk: 3}
    assert all(r.sent_at for r in reminder_round.reminders.all())
    [to_third] = [m for m in mail.outbox if m.to == [third.user.email]]
    assert "КНИГИНЯ" in to_third.subject and "http://localhost/jury/" in to_third.body
    assert " 3 " in to_third.body

    # Beat again, and the same round delivered twice: nobody hears twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.due(timezone.now()) == []
    ReminderRound.objects.filter(pk=reminder_round.pk).update(status=ReminderRound.Status.REQUESTED)
    reminders.build(reminder_round.pk)
    assert len(mail.outbox) == 2
    assert JurorReminder.objects.count() == 2


@pytest.mark.django_db
def test_the_next_window_reminds_again_and_nothing_after_the_deadline(
    contest, django_capture_on_commit_callbacks
):
    deadline = contest.judging_deadline()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.due(deadline - 2 * DAY)
    _chair, second, third = jurors(contest)
    submit_all(second)
    with django_capture_on_commit_callbacks(execute=True):
        [last] = reminders.due(deadline - DAY / 2)
    assert last.window == 1
    assert [m.to for m in mail.outbox[2:]] == [[third.user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.due(deadline + DAY) == []
    assert ReminderRound.objects.count() == 2


@pytest.mark.django_db
def test_no_reminders_unless_judging_is_open(contest, django_capture_on_commit_callbacks):
    for state in (Judging.State.PREPARING, Judging.State.CLOSED, Judging.State.PUBLISHED):
        Judging.objects.filter(contest=contest).update(state=state)
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.due(timezone.now()) == []
    # Closed after the round was asked for, before it ran: it sends nothing.
    reminder_round = ReminderRound.objects.create(contest=contest, window=3)
    reminders.build(reminder_round.pk)
    reminder_round.refresh_from_db()
    assert reminder_round.status == ReminderRound.Status.READY
    assert reminder_round.sent_count == 0 and mail.outbox == []


@pytest.mark.django_db
def test_a_declared_conflict_or_a_withdrawn_entry_is_not_outstanding(contest):
    _chair, second, third = jurors(contest)
    entries = list(contest.entries.order_by("pk"))
    Assignment.objects.filter(juror=third, entry=entries[0]).update(
        conflict_declared_at=timezone.now()
    )
    entries[1].status = entries[1].Status.WITHDRAWN
    entries[1].save()
    assert reminders.outstanding(contest) == {second.pk: 1, third.pk: 1}


@pytest.mark.django_db
def test_a_mail_server_away_gives_the_claims_back(contest, settings):
    """A real SMTP connection to a port nobody listens on: the round goes back to the queue
    with nothing logged, and the retry sends to each juror once."""
    reminder_round = ReminderRound.objects.create(contest=contest, window=3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(OSError):
        reminders.build(reminder_round.pk)
    reminder_round.refresh_from_db()
    assert reminder_round.status == ReminderRound.Status.REQUESTED
    assert not reminder_round.reminders.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders.build(reminder_round.pk)
    reminder_round.refresh_from_db()
    assert reminder_round.status == ReminderRound.Status.READY
    assert reminder_round.sent_count == len(mail.outbox) == 2


# --- With beat's sweep and a real worker ----------------------------------------------------------


def sent_to(mail_dir):
    """Recipients of the messages a worker wrote (the file backend separates them by dashes)."""
    recipients = []
    for path in sorted(Path(mail_dir).iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                subject = str(make_header(decode_header(message["Subject"])))
                recipients.append((message["To"], subject))
    return recipients


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_beat_asks_and_a_real_worker_reminds_each_juror_once(
    contest, redis_url, use_broker, start_worker, tmp_path, wait_until, wait_until_idle
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    app = use_broker(redis_url)
    worker = start_worker(app, redis_url, env={"KUZBIB_TEST_MAIL_DIR": str(mail_dir)})
    _chair, second, third = jurors(contest)
    # The entries' receipts are not this test's business: the sweep would send them.
    contest.entries.update(receipt_sent_at=timezone.now(), notified_status=F("status"))
    JuryMember.objects.update(invitation_sent_at=timezone.now())

    tasks.sweep()  # what beat runs every two minutes
    reminder_round = ReminderRound.objects.get()

    def ready():
        reminder_round.refresh_from_db()
        return reminder_round.status == ReminderRound.Status.READY

    wait_until(ready, worker=worker, what="the reminder round")
    assert "kuzbib.contests.send_jury_reminders" in worker.output()
    assert sorted(to for to, _subject in sent_to(mail_dir)) == sorted(
        [second.user.email, third.user.email]
    )
    assert all("КНИГИНЯ" in subject for _to, subject in sent_to(mail_dir))

    # Beat again, and the round's message delivered a second time: no more e-mail.
    tasks.sweep()
    enqueue(tasks.send_jury_reminders, build_id=reminder_round.pk)
    wait_until_idle(worker)
    assert len(sent_to(mail_dir)) == 2
    assert ReminderRound.objects.count() == 1 and JurorReminder.objects.count() == 2
