"""The personal agenda: a registrant stars sessions on their private page and subscribes to a
private .ics of them."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from events.domain import registration as rules
from events.models import SessionSeat
from tests.factories.events import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrant(conference_tree):
    conference = conference_tree["conference"]
    conference.registration_opens = timezone.now() - datetime.timedelta(days=1)
    conference.save()
    return RegistrationFactory(conference=conference)


def status_url(registration):
    return f"/events/viii/registration/{registration.token}/"


def test_star_and_unstar_sessions(client, conference_tree, registrant):
    first, second = conference_tree["sessions"]
    client.post(status_url(registrant), {"action": "star", "session": first.pk})
    client.post(status_url(registrant), {"action": "star", "session": second.pk})
    client.post(status_url(registrant), {"action": "star", "session": second.pk})  # twice
    assert list(rules.agenda(registrant)) == [first, second]
    client.post(status_url(registrant), {"action": "unstar", "session": first.pk})
    assert list(rules.agenda(registrant)) == [second]
    html = client.get(status_url(registrant)).content.decode()
    assert 'value="unstar"' in html and 'value="star"' in html


def test_agenda_ics_has_the_conference_and_starred_sessions(client, conference_tree, registrant):
    rules.star(registrant, conference_tree["sessions"][1])
    response = client.get(status_url(registrant) + "agenda/")
    assert response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        conference_tree["conference"].title,
        conference_tree["sessions"][1].title,
    ]
    assert events[1]["dtstart"].params["TZID"] == "Asia/Novokuznetsk"


def test_session_capacity_applies_to_stars(conference_tree, registrant):
    session = conference_tree["sessions"][0]
    session.capacity = 1
    session.save()
    other = RegistrationFactory(conference=conference_tree["conference"])
    assert rules.star(registrant, session).status == SessionSeat.Status.CONFIRMED
    assert rules.star(other, session).status == SessionSeat.Status.WAITLISTED
    rules.unstar(registrant, session)
    assert SessionSeat.objects.get(registration=other).status == SessionSeat.Status.CONFIRMED


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1; DROP TABLE x", "<b>"])
def test_hostile_session_values_change_nothing(client, conference_tree, registrant, value):
    response = client.post(status_url(registrant), {"action": "star", "session": value})
    assert response.status_code == 302
    assert not SessionSeat.objects.exists()


def test_sessions_of_another_conference_cannot_be_starred(client, conference_tree, registrant):
    from tests.factories import ConferencePageFactory, SectionSessionPageFactory

    other = ConferencePageFactory(parent=conference_tree["events"], slug="ix")
    foreign = SectionSessionPageFactory(parent=other)
    client.post(status_url(registrant), {"action": "star", "session": foreign.pk})
    assert not SessionSeat.objects.exists()
    with pytest.raises(ValueError):
        rules.star(registrant, foreign)


def test_cancelled_registration_cannot_star(client, conference_tree, registrant):
    rules.cancel(registrant)
    client.post(
        status_url(registrant), {"action": "star", "session": conference_tree["sessions"][0].pk}
    )
    assert not SessionSeat.objects.exclude(status="cancelled").exists()


def test_forged_agenda_token_is_a_russian_404(client, conference_tree, registrant):
    response = client.get("/events/viii/registration/forged-token/agenda/")
    assert response.status_code == 404
    assert "Регистрация не найдена" in response.content.decode()


def test_agenda_queries_do_not_grow(
    client, conference_tree, registrant, django_assert_max_num_queries
):
    for session in conference_tree["sessions"]:
        rules.star(registrant, session)
    with django_assert_max_num_queries(12):
        assert client.get(status_url(registrant) + "agenda/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(status_url(registrant)).status_code == 200
