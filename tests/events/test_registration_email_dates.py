"""A registration's e-mail says when the conference and the chosen sessions are, written by the
one date helper in the events' zone — whatever zone the worker that builds it runs in."""

import pytest
from django.utils import timezone, translation

from events.emails import build_registration_email
from events.models import EVENT_TIMEZONE, SessionSeat
from kuzbib_site.base import dates
from tests.factories.events import RegistrationFactory

pytestmark = pytest.mark.django_db


def in_the_events_zone(function, *values):
    with translation.override("ru"), timezone.override(EVENT_TIMEZONE):
        return function(*values)


def test_the_email_names_the_days_and_times_in_the_events_zone(conference_tree):
    conference, session = conference_tree["conference"], conference_tree["sessions"][0]
    registration = RegistrationFactory(conference=conference)
    SessionSeat.objects.create(
        registration=registration, session=session, status=SessionSeat.Status.CONFIRMED
    )
    with timezone.override("Europe/Lisbon"):
        message = build_registration_email(registration, "confirmed")
    when = in_the_events_zone(dates.span, conference.start, conference.end)
    session_when = in_the_events_zone(dates.span, session.start, session.end)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert when in text
        assert session_when in text
    # 13:00 in Novokuznetsk, not Lisbon's 06:00.
    assert "13:00–15:00" in session_when
