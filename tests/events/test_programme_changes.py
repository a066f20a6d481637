"""Programme changes after publication: recorded with dates, listed on the programme, e-mailed
once to the registrants who chose the session."""

import datetime

import pytest
from django.core import mail

from events import changes
from events.domain import registration as rules
from events.models import ProgrammeChange
from tests.factories.events import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(conference_tree):
    session = conference_tree["sessions"][0]
    chose = RegistrationFactory(conference=conference_tree["conference"], name="<b>Иванова</b>")
    rules.star(chose, session)
    RegistrationFactory(conference=conference_tree["conference"], name="Не выбирала")
    cancelled = RegistrationFactory(conference=conference_tree["conference"], status="cancelled")
    rules.star(cancelled, session)
    return session, chose


def republish(session, **changes_):
    for name, value in changes_.items():
        setattr(session, name, value)
    session.save_revision().publish()


def test_moving_a_session_is_recorded_listed_and_emailed_once(
    client, conference_tree, audience, django_capture_on_commit_callbacks
):
    session, chose = audience
    with django_capture_on_commit_callbacks(execute=True):
        republish(
            session,
            start=session.start + datetime.timedelta(hours=1),
            end=session.end + datetime.timedelta(hours=1),
            room="Ауд. 305",
        )
    change = ProgrammeChange.objects.get()
    assert change.kind == ProgrammeChange.Kind.MOVED and change.notified_at is not None
    assert [m.to for m in mail.outbox] == [[chose.email]]
    body = mail.outbox[0].body
    assert "14:00" in body and "Ауд. 305" in body
    assert "<b>Иванова</b>" not in mail.outbox[0].alternatives[0][0]
    html = client.get("/events/viii/programme/").content.decode()
    assert "Изменения в программе" in html and session.title in html
    assert changes.notify(change.pk) == 0  # a repeated delivery sends nothing
    assert len(mail.outbox) == 1


def test_cancelling_and_restoring(conference_tree, audience, django_capture_on_commit_callbacks):
    session, _ = audience
    with django_capture_on_commit_callbacks(execute=True):
        republish(session, status="cancelled")
        republish(session, status="held")
    assert list(ProgrammeChange.objects.order_by("pk").values_list("kind", flat=True)) == [
        "cancelled",
        "restored",
    ]
    assert "отменено" in mail.outbox[0].body


def test_edits_that_change_nothing_for_visitors_are_not_changes(conference_tree, audience):
    session, _ = audience
    republish(session, title="Новое название заседания")
    assert not ProgrammeChange.objects.exists()


def test_first_publication_is_not_a_change(conference_tree):
    from tests.factories import SectionSessionPageFactory

    new = SectionSessionPageFactory(parent=conference_tree["conference"])
    new.save_revision().publish()
    assert not ProgrammeChange.objects.exists()


def test_programme_queries_do_not_grow_with_changes(
    conference_tree, audience, assert_queries_bounded
):
    session, _ = audience
    republish(session, room="Ауд. 1")

    def more_changes():
        for minute in range(1, 8):
            republish(
                session,
                start=session.start + datetime.timedelta(minutes=minute),
                end=session.end + datetime.timedelta(minutes=minute),
            )

    assert_queries_bounded("/events/viii/programme/", more_changes, cap=20)
