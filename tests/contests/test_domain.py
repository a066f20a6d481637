"""An entry's life cycle (``contests.domain.entry``): the status groups on ``Entry.Status`` and
what each transition allows, refuses, writes and tells the participant."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from contests import submission
from contests.domain import entry as entries
from contests.models import Entry
from tests.factories import files as sample
from tests.factories.contests import entry_data, uploads

pytestmark = pytest.mark.django_db

Status = Entry.Status


def submitted(contest):
    return submission.submit(contest, entry_data(contest), uploads(("a.pdf", sample.pdf(), "pdf")))


def reloaded(entry):
    return Entry.objects.get(pk=entry.pk)


def status_mails():
    return [message for message in mail.outbox if "получена" not in message.subject]


# --- Status groups -----------------------------------------------------------------------------


def test_status_groups():
    assert Status.pending() == {Status.RECEIVED, Status.PROCESSING}
    assert Status.final() == {Status.WITHDRAWN, Status.DISQUALIFIED}
    assert Status.notified() == {
        Status.READY,
        Status.NEEDS_ATTENTION,
        Status.WITHDRAWN,
        Status.DISQUALIFIED,
    }
    # Waiting for the pipeline is never an end, and nobody is e-mailed about it.
    assert not Status.pending() & Status.final()
    assert not Status.pending() & Status.notified()
    assert Status.final() <= Status.notified()
    assert Status.pending() | Status.notified() == set(Status)
    assert isinstance(Status.final(), frozenset)


def test_is_pending_and_is_final_follow_the_groups():
    for status in Status:
        entry = Entry(status=status)
        assert entry.is_pending == (status in Status.pending())
        assert entry.is_final == (status in Status.final())


# --- The participant ---------------------------------------------------------------------------


def test_the_participant_withdraws_while_submissions_are_open(
    contest, django_capture_on_commit_callbacks
):
    entry = submitted(contest)
    assert entries.can_withdraw(entry)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert entries.withdraw(entry)
    entry = reloaded(entry)
    assert entry.status == Status.WITHDRAWN and entry.withdrawn_at is not None
    assert len(status_mails()) == 1
    assert not entries.can_withdraw(entry)
    assert not entries.withdraw(entry)


def test_the_participant_cannot_withdraw_once_submissions_are_closed(contest):
    entry = submitted(contest)
    later = timezone.now() + datetime.timedelta(days=365)
    assert not entries.can_withdraw(entry, later)
    assert not entries.withdraw(entry, later)
    assert reloaded(entry).status == Status.RECEIVED


def test_a_stale_withdrawal_leaves_a_disqualified_entry_alone(contest):
    """The participant's page was loaded before a manager disqualified the entry."""
    entry = submitted(contest)
    assert entries.disqualify(entry, "Работа другого автора.", "editor")
    assert entry.status == Status.RECEIVED  # the participant's copy, read before
    assert not entries.withdraw(entry)
    assert reloaded(entry).status == Status.DISQUALIFIED


# --- The managers ------------------------------------------------------------------------------


def test_disqualify_writes_the_reason_and_the_log_and_tells_the_participant(
    contest, django_capture_on_commit_callbacks
):
    entry = submitted(contest)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert entries.disqualify(entry, "Работа другого автора.", "editor")
    entry = reloaded(entry)
    assert entry.status == Status.DISQUALIFIED
    assert entry.status_reason == "Работа другого автора."
    assert entry.withdrawn_at is None
    line = entry.processing_log[-1]
    assert line["level"] == "warning" and "editor" in line["message"]
    assert "Работа другого автора." in line["message"]
    assert len(status_mails()) == 1
    assert not entries.can_decide(entry)
    assert not entries.disqualify(entry, "Ещё раз.", "editor")
    assert not entries.withdraw_by_organisers(entry, "Ещё раз.", "editor")
    assert reloaded(entry).status_reason == "Работа другого автора."


def test_the_organisers_withdraw_even_after_submissions_close(contest):
    entry = submitted(contest)
    later = timezone.now() + datetime.timedelta(days=365)
    assert entries.withdraw_by_organisers(entry, "По просьбе участника.", "editor", now=later)
    entry = reloaded(entry)
    assert entry.status == Status.WITHDRAWN and entry.withdrawn_at == later


def test_reprocess_brings_back_a_disqualified_entry_but_not_a_withdrawn_one(
    contest, django_capture_on_commit_callbacks
):
    disqualified, withdrawn = submitted(contest), submitted(contest)
    entries.disqualify(disqualified, "Ошибка.", "editor")
    entries.withdraw(withdrawn)
    assert not entries.can_reprocess(reloaded(withdrawn))
    assert not entries.reprocess(withdrawn, user="editor")
    assert reloaded(withdrawn).status == Status.WITHDRAWN
    assert entries.can_reprocess(reloaded(disqualified))
    with django_capture_on_commit_callbacks(execute=True):
        assert entries.reprocess(disqualified, user="editor")
    entry = reloaded(disqualified)
    # Eager Celery: the fresh run has processed it again.
    assert entry.status == Status.READY and entry.status_reason == ""


# --- The pipeline ------------------------------------------------------------------------------


def test_start_processing_takes_only_a_waiting_entry(contest):
    entry = submitted(contest)
    started = entries.start_processing(entry.pk)
    assert started.status == Status.PROCESSING and started.processing_attempts == 1
    # Still «being checked» (a run died): it may be taken again, and the attempt counts.
    assert entries.start_processing(entry.pk).processing_attempts == 2
    entries.withdraw(entry)
    assert entries.start_processing(entry.pk) is None
    assert entries.start_processing(999_999_999) is None


def test_finish_processing_sets_the_verdict_only_for_an_entry_being_processed(contest):
    ready, attention, other = submitted(contest), submitted(contest), submitted(contest)
    now = timezone.now()
    assert entries.finish_processing(entries.start_processing(ready.pk), [], now)
    assert entries.finish_processing(
        entries.start_processing(attention.pk), ["Файл повреждён."], now
    )
    ready, attention = reloaded(ready), reloaded(attention)
    assert ready.status == Status.READY and ready.status_reason == "" and ready.processed_at
    assert attention.status == Status.NEEDS_ATTENTION
    assert attention.status_reason.startswith("Файл повреждён. ")
    # Not being processed (never claimed): nothing changes.
    assert not entries.finish_processing(reloaded(other), [], now)
    assert reloaded(other).status == Status.RECEIVED


def test_give_up_applies_to_a_waiting_entry_only(contest):
    waiting, done = submitted(contest), submitted(contest)
    entries.finish_processing(entries.start_processing(done.pk), [], timezone.now())
    entries.give_up(waiting.pk, "Processing took longer than allowed.")
    entries.give_up(done.pk, "Processing took longer than allowed.")
    assert reloaded(waiting).status == Status.NEEDS_ATTENTION
    assert reloaded(done).status == Status.READY
