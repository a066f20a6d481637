"""``base.mail.send_once`` on real rows (contest entries and their markers): once ever, once per
value, the claim given back when building or sending fails, and two senders at once — one sends,
the other neither sends nor waits for it."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from contests.models import Entry
from kuzbib_site.base.mail import build_email, claim, send_once
from tests.factories.contests import entry_data


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is away")


def make_entry(contest, number=1, **fields):
    return Entry.objects.create(
        contest=contest,
        number=number,
        consent_given_at=timezone.now(),
        **entry_data(contest, email=f"reader{number}@example.ru"),
        **fields,
    )


def message(entry, subject="Ваша работа"):
    return build_email(entry.email, subject, "contests/emails/status", {"entry": entry})


def fresh(entry):
    return Entry.objects.get(pk=entry.pk)


@pytest.fixture
def entry(contest):
    return make_entry(contest)


@pytest.mark.django_db
def test_once_ever_sends_and_stamps_the_marker(entry):
    before = timezone.now()
    assert send_once(entry, "receipt_sent_at", message) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [entry.email]
    stamped = fresh(entry).receipt_sent_at
    assert stamped is not None and stamped >= before
    assert entry.receipt_sent_at == stamped  # the instance knows it too


@pytest.mark.django_db
def test_once_ever_sends_nothing_the_second_time(entry):
    assert send_once(fresh(entry), "receipt_sent_at", message) == 1
    assert send_once(fresh(entry), "receipt_sent_at", message) == 0
    # A stale copy that still reads NULL loses the claim too: the UPDATE decides.
    assert send_once(entry, "receipt_sent_at", message) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_once_per_value_sends_again_for_a_new_value(entry):
    def status_mail(record):
        return send_once(
            record,
            "notified_status",
            lambda e: message(e, f"Статус: {e.status}"),
            value=record.status,
            where={"status": record.status},
        )

    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.READY)
    assert status_mail(fresh(entry)) == 1
    assert status_mail(fresh(entry)) == 0
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.DISQUALIFIED)
    assert status_mail(fresh(entry)) == 1
    assert [m.subject for m in mail.outbox] == ["Статус: ready", "Статус: disqualified"]
    assert fresh(entry).notified_status == Entry.Status.DISQUALIFIED


@pytest.mark.django_db
def test_where_refuses_a_row_that_changed_since_it_was_read(entry):
    read = fresh(entry)
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.WITHDRAWN)
    sent = send_once(
        read, "notified_status", message, value=read.status, where={"status": read.status}
    )
    assert sent == 0 and mail.outbox == []
    assert fresh(entry).notified_status == ""


@pytest.mark.django_db
def test_a_failing_build_gives_the_claim_back(entry):
    def broken(record):
        raise ValueError("template missing")

    with pytest.raises(ValueError, match="template missing"):
        send_once(entry, "receipt_sent_at", broken)
    assert fresh(entry).receipt_sent_at is None
    assert send_once(fresh(entry), "receipt_sent_at", message) == 1  # the retry sends


@pytest.mark.django_db
def test_a_failing_mail_server_gives_the_claim_back_to_the_previous_value(entry, settings):
    Entry.objects.filter(pk=entry.pk).update(
        status=Entry.Status.DISQUALIFIED, notified_status=Entry.Status.READY
    )
    read = fresh(entry)
    settings.EMAIL_BACKEND = "tests.base.test_mail.FailingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_once(read, "notified_status", message, value=read.status)
    assert fresh(entry).notified_status == Entry.Status.READY
    assert read.notified_status == Entry.Status.READY


@pytest.mark.django_db
def test_giving_back_leaves_a_later_claim_alone(entry):
    def overtaken(record):
        # While this sender builds, another one claims the marker for a newer status.
        Entry.objects.filter(pk=record.pk).update(notified_status=Entry.Status.WITHDRAWN)
        raise RuntimeError("crashed")

    with pytest.raises(RuntimeError):
        send_once(entry, "notified_status", overtaken, value=Entry.Status.READY)
    assert fresh(entry).notified_status == Entry.Status.WITHDRAWN


@pytest.mark.django_db
def test_a_list_is_sent_over_one_connection_and_counted(contest, entry):
    other = make_entry(contest, number=2)
    sent = send_once(entry, "receipt_sent_at", lambda e: [message(e), message(other)])
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([entry.email, other.email])


@pytest.mark.django_db
def test_nothing_to_send_keeps_the_claim(entry):
    assert send_once(entry, "receipt_sent_at", lambda e: []) == 0
    assert fresh(entry).receipt_sent_at is not None
    assert send_once(fresh(entry), "receipt_sent_at", message) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_where_keeps_erased_people_unwritten(entry):
    Entry.objects.filter(pk=entry.pk).update(anonymised_at=timezone.now())
    assert send_once(entry, "receipt_sent_at", message, where={"anonymised_at": None}) == 0
    assert mail.outbox == [] and fresh(entry).receipt_sent_at is None


@pytest.mark.django_db
def test_unclaimed_replaces_the_free_condition_for_a_marker_that_frees_itself(entry):
    """A reminder at most once a day: the marker is free again once a day old."""
    day = datetime.timedelta(days=1)

    def remind(record, now):
        free = Q(receipt_sent_at__isnull=True) | Q(receipt_sent_at__lte=now - day)
        return send_once(record, "receipt_sent_at", message, value=now, unclaimed=free)

    now = timezone.now()
    assert remind(fresh(entry), now) == 1
    assert remind(fresh(entry), now + datetime.timedelta(hours=23)) == 0
    assert remind(fresh(entry), now + datetime.timedelta(hours=25)) == 1
    assert len(mail.outbox) == 2
    assert fresh(entry).receipt_sent_at == now + datetime.timedelta(hours=25)


@pytest.mark.django_db
def test_claim_alone_returns_the_value_written_or_none(entry):
    assert claim(entry, "notified_status", value="ready") == "ready"
    assert claim(entry, "notified_status", value="ready") is None
    moment = claim(entry, "receipt_sent_at")
    assert isinstance(moment, datetime.datetime)
    assert claim(entry, "receipt_sent_at") is None


@pytest.mark.django_db(transaction=True)
def test_of_two_senders_at_once_one_sends_and_the_other_does_not_wait(entry):
    """The first sender holds the claim while it builds; the second, on its own connection,
    finds the marker taken and returns at once — no row lock is held while sending."""
    building = threading.Event()
    second_done = threading.Event()
    results = {}

    def slow(record):
        building.set()
        # The message goes out only after the second sender gave up: it never waited for us.
        assert second_done.wait(timeout=20), "the second sender waited for the first"
        return message(record)

    def first():
        try:
            results["first"] = send_once(fresh(entry), "receipt_sent_at", slow)
        finally:
            connection.close()

    def second():
        try:
            assert building.wait(timeout=20)
            results["second"] = send_once(fresh(entry), "receipt_sent_at", message)
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {"first": 1, "second": 0}
    assert len(mail.outbox) == 1
    assert fresh(entry).receipt_sent_at is not None
