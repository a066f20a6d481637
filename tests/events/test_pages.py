import datetime

import pytest
from wagtail.models import Page

from events.models import (
    CalendarEntry,
    ConferencePage,
    EventIndexPage,
    ResolutionPage,
    SectionIndexPage,
    SectionPage,
    SectionSessionPage,
)
from kuzbib_site.home.models import HomePage
from tests.factories import SectionSessionPageFactory, TalkFactory

pytestmark = pytest.mark.django_db


def test_page_tree_rules(wagtail_asserts):
    wagtail_asserts.assertCanCreateAt(HomePage, EventIndexPage)
    wagtail_asserts.assertCanCreateAt(EventIndexPage, ConferencePage)
    wagtail_asserts.assertCanCreateAt(ConferencePage, SectionSessionPage)
    wagtail_asserts.assertCanCreateAt(ConferencePage, ResolutionPage)
    wagtail_asserts.assertCanCreateAt(HomePage, SectionIndexPage)
    wagtail_asserts.assertCanCreateAt(SectionIndexPage, SectionPage)
    wagtail_asserts.assertCanNotCreateAt(HomePage, ConferencePage)
    wagtail_asserts.assertCanNotCreateAt(EventIndexPage, SectionSessionPage)
    wagtail_asserts.assertAllowedSubpageTypes(SectionSessionPage, [])


def test_every_page_type_renders(wagtail_asserts, conference_tree):
    for key in ("events", "sections", "methodology", "conference", "resolution"):
        wagtail_asserts.assertPageIsRenderable(conference_tree[key])
    for session in conference_tree["sessions"]:
        wagtail_asserts.assertPageIsRenderable(session)


def test_event_cannot_end_before_it_starts(conference_tree):
    conference = conference_tree["conference"]
    conference.end = conference.start - datetime.timedelta(hours=1)
    with pytest.raises(Exception, match="end"):
        conference.full_clean()


def test_conference_shows_dates_in_russian_and_kemerovo_time(client, conference_tree):
    html = client.get("/events/viii/").content.decode()
    assert "16 декабря 2008 г., 10:00–17:00" in html
    assert "(местное время, UTC+7)" in html
    assert "Заседание: Секция краеведческой работы" in html
    programme = client.get("/events/viii/programme/").content.decode()
    assert "местное время, UTC+7" in programme


def test_time_zone_note_gives_the_offset_of_the_events_zone_at_the_event(monkeypatch):
    """The note is the offset of the events' zone (a setting) at the event's start, with minutes
    and a minus sign where the zone has them, not a fixed text naming our region."""
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from events.templatetags import events_tags

    class Event:
        def __init__(self, start):
            self.start = start

    def note(start, zone=None):
        if zone:
            monkeypatch.setattr(events_tags, "EVENT_TIMEZONE", ZoneInfo(zone))
        return events_tags.time_zone_note(Event(start))

    winter = datetime.datetime(2008, 12, 16, 3, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert note(winter) == "local time, UTC+7"
        assert note(winter, "Asia/Kolkata") == "local time, UTC+5:30"
        assert note(winter, "Atlantic/Azores") == "local time, UTC−1"
        summer = datetime.datetime(2008, 7, 1, 12, tzinfo=datetime.UTC)
        assert note(summer, "Atlantic/Azores") == "local time, UTC+0"


def test_conference_figures_are_counted_or_entered(client, conference_tree):
    conference = conference_tree["conference"]
    assert conference.figures() == {"participants": 0, "libraries": 0, "reports": 4, "sections": 2}
    conference.participants_count, conference.reports_count = 165, 42
    conference.save()
    figures = ConferencePage.objects.get(pk=conference.pk).figures()
    assert figures["participants"] == 165 and figures["reports"] == 42


def test_session_lists_talks_with_speakers_and_libraries(client, conference_tree):
    session = conference_tree["sessions"][0]
    html = client.get(session.url).content.decode()
    speaker = conference_tree["speakers"][1]
    assert speaker.full_name in html and speaker.library.full_name in html


def test_calendar_follows_publishing(conference_tree):
    conference = conference_tree["conference"]
    assert CalendarEntry.objects.filter(page=conference, kind="conference").exists()
    assert CalendarEntry.objects.filter(kind="session").count() == 2
    session = conference_tree["sessions"][0]
    session.unpublish()
    assert not CalendarEntry.objects.filter(page=session).exists()
    session.title = "Перенесённое заседание"
    session.save_revision().publish()
    assert CalendarEntry.objects.get(page=session).title == "Перенесённое заседание"
    Page.objects.get(pk=session.pk).delete()
    assert CalendarEntry.objects.filter(kind="session").count() == 1


def test_events_index_filters_and_splits_past_from_upcoming(client, conference_tree):
    upcoming = client.get("/events/")
    assert list(upcoming.context["entries"]) == []
    past = client.get("/events/", {"when": "past"})
    assert len(past.context["entries"]) == 3
    sessions = client.get("/events/", {"when": "past", "kind": "session", "year": "2008"})
    assert {e.kind for e in sessions.context["entries"]} == {"session"}
    assert (
        client.get("/events/", {"when": "past", "year": "2009"}).context["entries"].paginator.count
        == 0
    )


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "<script>", "year": "abc"},
        {"year": "99999999999999999999"},
        {"page": "-1"},
        {"page": "x" * 2000},
        {"when": "' OR 1=1"},
        {"kind": "\x00"},
    ],
)
def test_events_index_survives_malformed_filters(client, conference_tree, params):
    response = client.get("/events/", params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_section_page_lists_its_assignments_and_sessions(client, conference_tree):
    html = client.get("/sections/methodology/").content.decode()
    assert "Пункт резолюции" in html
    assert "Заседание: Секция научно-методической работы" in html


def test_reorganised_section_links_to_its_successor(client, conference_tree):
    old = conference_tree["local_history"]
    old.status = SectionPage.Status.REORGANISED
    old.reorganised_into = conference_tree["methodology"]
    old.save_revision().publish()
    html = client.get(old.url).content.decode()
    assert 'href="/sections/methodology/"' in html
    index = client.get("/sections/")
    assert [s.pk for s in index.context["former_sections"]] == [old.pk]


def test_resolution_items_are_numbered_in_order(client, conference_tree):
    response = client.get("/events/viii/resolution/")
    assert [item.number for item in response.context["decided"]] == ["4", "4.1", "4.10"]
    assert [item.number for item in response.context["recommended"]] == ["2"]
    assert response.context["progress"] == 25


def test_resolution_tracker_filters(client, conference_tree):
    url = "/events/viii/resolution/"
    done = client.get(url, {"status": "done"}).context
    assert [item.number for item in done["decided"]] == ["4.1"] and done["recommended"] == []
    recommended = client.get(url, {"kind": "recommended"}).context
    assert recommended["decided"] == [] and len(recommended["recommended"]) == 1
    by_section = client.get(url, {"assignee": "Секция краеведческой работы"}).context
    assert [item.number for item in by_section["decided"]] == ["4.10"]
    hostile = client.get(url, {"status": "<x>", "kind": "\x00", "assignee": "'; --"})
    assert hostile.status_code == 200 and hostile.context["shown"] == 4


def test_queries_do_not_grow_with_talks_and_sessions(conference_tree, assert_queries_bounded):
    urls = [
        "/events/viii/",
        conference_tree["sessions"][0].url,
        "/events/?when=past",
        "/events/viii/resolution/",
        "/sections/methodology/",
        "/events/ics/",
        "/events/viii/ics/",
    ]
    conference, session = conference_tree["conference"], conference_tree["sessions"][0]

    def more_talks_and_sessions():
        for _ in range(15):
            extra = SectionSessionPageFactory(
                parent=conference, section=conference_tree["methodology"]
            )
            TalkFactory(session=extra, speakers=conference_tree["speakers"])
            extra.save_revision().publish()
            TalkFactory(session=session, speakers=conference_tree["speakers"])

    assert_queries_bounded(urls, more_talks_and_sessions, cap=25)


def test_event_place_leaves_out_the_empty_parts():
    from types import SimpleNamespace

    from events.templatetags.events_tags import event_place

    assert event_place(SimpleNamespace(venue="", address="", city="Кемерово")) == "Кемерово"
    full = SimpleNamespace(venue="Библиотека", address="ул. Дзержинского, 19", city="Кемерово")
    assert event_place(full) == "Библиотека, ул. Дзержинского, 19, Кемерово"
