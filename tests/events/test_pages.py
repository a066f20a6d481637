import datetime

import lxml.html
import pytest
from django.utils import timezone
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
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


def main_of(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode()).get_element_by_id("main")


def facts(main):
    """The page header's facts as {label: value text}."""
    (dl,) = main.xpath(".//header[contains(@class, 'page-header')]//dl[contains(@class, 'facts')]")
    labels = [" ".join(dt.text_content().split()) for dt in dl.xpath(".//dt")]
    values = [" ".join(dd.text_content().split()) for dd in dl.xpath(".//dd")]
    return dict(zip(labels, values, strict=True))


def move_to_next_month(conference):
    """Make ``conference`` and its sessions upcoming: the same days of the week and times of
    day, some five weeks from now (whole days, so that no session moves to another day)."""
    shift = datetime.timedelta(days=7 * ((timezone.now() - conference.start).days // 7 + 5))
    for page in [conference, *SectionSessionPage.objects.child_of(conference)]:
        page.start += shift
        page.end += shift
        page.save_revision().publish()


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
    figures = conference.figures()
    assert (figures.sessions, figures.reports, figures.sections) == (2, 4, 2)
    assert (figures.participants, figures.libraries) == (0, 0)
    conference.participants_count, conference.reports_count = 165, 42
    conference.save()
    figures = ConferencePage.objects.get(pk=conference.pk).figures()
    assert figures.participants == 165 and figures.reports == 42


def page_figures(main):
    """The figures a conference page shows, by the class of their line."""
    return {
        li.get("class"): int(li.find("strong").text_content())
        for li in main.xpath(".//ul[@class='figures']/li[@class]")
    }


def test_upcoming_conference_counts_what_its_programme_shows(client, conference_tree):
    """The figures of a conference still to come are counted from the sessions its programme
    lists — a session without talks and one without a section included — whatever historic
    figures an editor typed; the programme grid shows the same sessions, talks and sections."""
    conference = conference_tree["conference"]
    SectionSessionPageFactory(
        parent=conference, title="Пленарное заседание", section=None, room="Большой зал"
    ).save_revision().publish()
    conference.reports_count, conference.sections_count = 42, 7
    conference.save_revision().publish()
    move_to_next_month(conference)

    shown = page_figures(main_of(client, conference.url))
    programme = main_of(client, conference.url + "programme/")
    sessions = programme.xpath(".//td//h3/a")
    talks = programme.xpath(".//td//ul[@class='programme-talks']/li")
    sections = {
        meta.text_content().split(" · ")[1]
        for meta in programme.xpath(
            ".//td//div[contains(@class, 'programme-session')]/p[@class='meta']"
        )
        if " · " in meta.text_content()
    }
    assert shown == {
        "figures__sessions": len(sessions),
        "figures__reports": len(talks),
        "figures__sections": len(sections),
    }
    assert (len(sessions), len(talks), len(sections)) == (3, 4, 2)
    # The conference page's own programme list has the same sessions.
    listed = main_of(client, conference.url).xpath(".//ol[@class='session-list']//h3/a")
    assert [a.get("href") for a in listed] == [a.get("href") for a in sessions]


def test_a_programme_without_talks_counts_its_sessions_and_sections(client, conference_tree):
    """Sections were counted over talks: a programme announced before its talks said
    «0 sections». Now the sessions and sections show, and the unknown number of reports does not."""
    conference = conference_tree["conference"]
    for session in conference_tree["sessions"]:
        session.talks.all().delete()
    move_to_next_month(conference)
    assert page_figures(main_of(client, conference.url)) == {
        "figures__sessions": 2,
        "figures__sections": 2,
    }


def test_historic_figures_count_once_the_conference_is_over(conference_tree):
    from events.programme import conference_sessions, programme_figures

    conference = conference_tree["conference"]
    conference.reports_count = 42
    sessions = list(conference_sessions(conference))
    before = conference.start - datetime.timedelta(days=1)
    after = conference.end + datetime.timedelta(days=1)
    assert programme_figures(conference, sessions, now=before).reports == 4
    assert programme_figures(conference, sessions, now=after).reports == 42


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

    def place(venue="", address="", city=""):
        return event_place(SimpleNamespace(venue=venue, address=address, city=city))

    assert place(city="Кемерово") == "Кемерово"
    assert place(venue="Библиотека") == "Библиотека"
    assert place("Библиотека", "ул. Дзержинского, 19", "Кемерово") == (
        "Библиотека, ул. Дзержинского, 19, Кемерово"
    )
    # Blank and comma-only parts, a part ending in a comma, a city the address already names.
    assert place(" ", ",", "") == ""
    assert place("Библиотека,", " , ", "Кемерово") == "Библиотека, Кемерово"
    assert place(address="ул. Весенняя, 19, Кемерово", city="Кемерово") == (
        "ул. Весенняя, 19, Кемерово"
    )


@pytest.mark.parametrize(
    ("venue", "address", "city", "where"),
    [
        ("", "", "Кемерово", "Кемерово"),
        ("Библиотека", "", "", "Библиотека"),
        ("", "ул. Весенняя, 19", "", "ул. Весенняя, 19"),
        ("", " , ", "Кемерово", "Кемерово"),
        ("", "", "", None),
        (" ", ",", "", None),
    ],
)
def test_where_never_prints_a_lone_comma(client, conference_tree, venue, address, city, where):
    """«Где» lists the parts of the place that are known, and is left out when none is. (The
    admin's form asks for a city; the place is written straight into the pages here, as an
    import or an older page may have it.)"""
    for page in (conference_tree["conference"], conference_tree["sessions"][0]):
        type(page).objects.filter(pk=page.pk).update(venue=venue, address=address, city=city)
        shown = facts(main_of(client, page.url))
        assert shown.get(in_site_language("Where")) == where
        assert in_site_language("When") in shown and in_site_language("Status") in shown


def test_header_says_kind_title_when_where_status_and_offers_the_calendar(client, conference_tree):
    conference = conference_tree["conference"]
    main = main_of(client, conference.url)
    (header,) = main.xpath(".//header[contains(@class, 'page-header')]")
    assert header.xpath(".//h1")[0].text_content() == conference.title
    assert header.xpath(".//*[contains(@class, 'page-header__kind')]")[0].text_content().strip()
    shown = facts(main)
    assert (
        shown[in_site_language("When")] == "16 декабря 2008 г., 10:00–17:00 (местное время, UTC+7)"
    )
    assert shown[in_site_language("Where")] == "Областная научная библиотека, Кемерово"
    (badge,) = header.xpath(".//dd/span[contains(@class, 'badge')]")
    assert badge.text_content().lower() == in_site_language("planned").lower()
    (ics,) = header.xpath(".//p[@class='page-header__actions']/a[@download]")
    assert ics.get("href") == conference.url + "ics/"
    # The session's header names its format, its conference, section and room.
    session = conference_tree["sessions"][0]
    session_facts = facts(main_of(client, session.url))
    assert session_facts[in_site_language("Conference")] == conference.title
    assert session_facts[in_site_language("Room")] == "Ауд. 201"


def test_machine_readable_links_are_in_for_apps(client, conference_tree):
    """The schedule for conference apps sits in «For apps», not among the reader's links."""
    for url in ("/events/viii/", "/events/viii/programme/"):
        main = main_of(client, url)
        (aside,) = main.xpath(".//aside[@class='machine-links']")
        title = aside.get("aria-labelledby")
        assert aside.xpath(f".//h2[@id='{title}']")
        hrefs = {a.get("href") for a in aside.xpath(".//a")}
        assert hrefs == {"/events/viii/schedule-xml/", "/events/viii/schedule-json/"}
        everywhere = [a.get("href") or "" for a in main.xpath(".//a")]
        assert sum("schedule-" in href for href in everywhere) == 2
    index = main_of(client, "/events/")
    (aside,) = index.xpath(".//aside[@class='machine-links']")
    assert [a.get("href") for a in aside.xpath(".//a")] == ["/events/ics/"]


def test_dates_are_written_one_way(client, conference_tree):
    """Event times through kuzbib_site.base.dates: a range across days, lower-case weekdays in
    the programme, no «г..» anywhere on the events pages."""
    from events.templatetags.events_tags import event_when

    conference = conference_tree["conference"]
    conference.end = conference.end + datetime.timedelta(days=1)
    conference.save_revision().publish()
    assert event_when(conference) == "16–17 декабря 2008 г."
    main = main_of(client, "/events/viii/programme/")
    assert main.xpath(".//h2[@id='day-1']")[0].text_content() == "вторник, 16 декабря 2008 г."
    for url in (
        "/events/viii/",
        "/events/viii/programme/",
        "/events/viii/resolution/",
        "/sections/methodology/",
        "/events/?when=past",
        conference_tree["sessions"][0].url,
    ):
        html = client.get(url).content.decode()
        assert "г.." not in html and "Вторник" not in html, url


def test_resolution_items_are_numbered_once(client, conference_tree):
    """Each item carries its own number («4.1.»): no list numbers it again («3. 4.1.»)."""
    main = main_of(client, "/events/viii/resolution/")
    items = main.xpath(".//li[contains(@class, 'resolution-item')]")
    assert [item.getparent().tag for item in items] == ["ul"] * 4
    assert [item.xpath(".//*[@class='item-number']")[0].text_content() for item in items] == [
        "4.",
        "4.1.",
        "4.10.",
        "2.",
    ]
    assert not main.xpath(".//ol//li[contains(@class, 'resolution-item')]")
    assert all(item.get("value") is None for item in items)


def test_resolution_filters_sit_in_a_filter_bar(client, conference_tree):
    main = main_of(client, "/events/viii/resolution/")
    (form,) = main.xpath(".//form[@class='filter-bar']")
    fields = form.xpath("./div[@class='filter-bar__field']")
    assert [field.xpath("./select")[0].get("name") for field in fields] == [
        "status",
        "kind",
        "assignee",
    ]
    for field in fields:
        label, select = field.xpath("./label")[0], field.xpath("./select")[0]
        assert label.get("for") == select.get("id")
    assert form.xpath("./div[@class='filter-bar__actions']/button[@type='submit']")
