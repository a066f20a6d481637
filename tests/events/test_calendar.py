"""iCalendar files and schema.org JSON-LD, read back with independent parsers: icalendar's reader
and extruct."""

import datetime
import zoneinfo

import extruct
import icalendar
import pytest

pytestmark = pytest.mark.django_db

UTC7 = datetime.timedelta(hours=7)


def read_ics(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(
        b"".join(response) if response.streaming else response.content
    )


def test_session_ics_keeps_kemerovo_time_with_vtimezone(client, conference_tree):
    session = conference_tree["sessions"][0]
    calendar = read_ics(client.get(f"{session.url}ics/"))
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert isinstance(start.tzinfo, zoneinfo.ZoneInfo)
    assert start.tzinfo.key == "Asia/Novokuznetsk"
    assert event["dtstart"].params["TZID"] == "Asia/Novokuznetsk"
    assert start.utcoffset() == UTC7
    assert start.replace(tzinfo=None) == datetime.datetime(2008, 12, 16, 13, 0)
    timezones = calendar.walk("VTIMEZONE")
    assert [tz["TZID"] for tz in timezones] == ["Asia/Novokuznetsk"]
    assert str(event["summary"]) == session.title
    assert str(event["uid"]) == f"page-{session.pk}@kuzbib.ru"
    assert str(event["url"]).endswith(session.url)


def test_conference_ics_has_the_conference_and_every_session(client, conference_tree):
    calendar = read_ics(client.get("/events/viii/ics/"))
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries[0] == "VIII Ежегодная сессия"
    assert len(summaries) == 3


def test_uids_are_stable_across_edits(client, conference_tree):
    first = read_ics(client.get("/events/ics/"))
    session = conference_tree["sessions"][1]
    session.title = "Новое название"
    session.save_revision().publish()
    second = read_ics(client.get("/events/ics/"))
    uids = lambda cal: sorted(str(e["uid"]) for e in cal.walk("VEVENT"))  # noqa: E731
    assert uids(first) == uids(second)
    assert len(set(uids(second))) == 3


def test_cancelled_event_says_so(client, conference_tree):
    session = conference_tree["sessions"][0]
    session.status = "cancelled"
    session.save_revision().publish()
    (event,) = read_ics(client.get(f"{session.url}ics/")).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


def test_feed_parses_with_zoneinfo_converted_times(client, conference_tree):
    calendar = read_ics(client.get("/events/ics/"))
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    utc = zoneinfo.ZoneInfo("UTC")
    assert starts[0].astimezone(utc) == datetime.datetime(2008, 12, 16, 3, 0, tzinfo=utc)


def jsonld(client, url):
    response = client.get(url)
    data = extruct.extract(
        response.content.decode(), base_url="http://testserver", syntaxes=["json-ld"]
    )
    return data["json-ld"]


def test_conference_jsonld_is_an_event_with_sessions(client, conference_tree):
    (event,) = jsonld(client, "/events/viii/")
    assert event["@type"] == "Event" and event["name"] == "VIII Ежегодная сессия"
    assert event["startDate"] == "2008-12-16T10:00:00+07:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"]["address"]["addressLocality"] == "Кемерово"
    assert event["organizer"]["name"] == "НП «Кузбасские библиотеки»"
    assert [sub["name"] for sub in event["subEvent"]] == [
        s.title for s in conference_tree["sessions"]
    ]


def test_session_jsonld_names_performers_and_conference(client, conference_tree):
    (event,) = jsonld(client, conference_tree["sessions"][0].url)
    names = {performer["name"] for performer in event["performer"]}
    assert names == {person.full_name for person in conference_tree["speakers"]}
    assert event["superEvent"]["name"] == "VIII Ежегодная сессия"


def test_jsonld_cannot_be_broken_out_of(client, conference_tree):
    conference = conference_tree["conference"]
    conference.title = "</script><script>alert(1)</script>"
    conference.save_revision().publish()
    response = client.get(conference.url)
    assert "<script>alert(1)" not in response.content.decode()
    (event,) = jsonld(client, conference.url)
    assert event["name"] == "</script><script>alert(1)</script>"
