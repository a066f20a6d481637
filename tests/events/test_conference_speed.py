"""The conference page reads its sessions in one query, their sections' titles and talks counted
in it (``events.programme.listed_sessions``): its number of queries does not grow with the
sessions, their talks or their speakers, and it stays small. What it shows stays as it was: each
session's time, section and number of reports, and the figures counted from them."""

import pytest

from tests.factories import PersonFactory, SectionSessionPageFactory, TalkFactory
from tests.factories.events import at

pytestmark = pytest.mark.django_db


def add_sessions(conference, sections, first, count):
    speakers = [PersonFactory(last_name=f"Докладчик {first}-{n}") for n in range(3)]
    for n in range(first, first + count):
        session = SectionSessionPageFactory(
            parent=conference,
            title=f"Заседание {n}",
            slug=f"session-{n}",
            section=sections[n % 2] if n % 3 else None,
            start=at(9 + n % 8),
            end=at(10 + n % 8),
            room=f"Ауд. {n}",
        )
        for talk in range(n % 4):
            TalkFactory(session=session, title=f"Доклад {n}.{talk}", speakers=speakers[: talk + 1])
        session.save_revision().publish()


def test_conference_page_queries_do_not_grow_with_sessions(conference_tree, assert_queries_bounded):
    conference = conference_tree["conference"]
    sections = [conference_tree["methodology"], conference_tree["local_history"]]
    add_sessions(conference, sections, 0, 4)
    # 10, sessions or not: 16 before the restrictions were read once per request, the
    # sessions' talks counted instead of read with their speakers and the conference routed to
    # in one query.
    assert_queries_bounded(
        conference.url, lambda: add_sessions(conference, sections, 4, 12), cap=10
    )


def test_conference_page_lists_sessions_with_sections_and_reports(conference_tree, client):
    conference = conference_tree["conference"]
    sections = [conference_tree["methodology"], conference_tree["local_history"]]
    add_sessions(conference, sections, 0, 6)
    html = client.get(conference.url).content.decode()
    # The fixture's sessions: two talks each, in their sections.
    assert "Секция научно-методической работы · 2 доклада" in html
    # Session 5: section local history (5 % 2), one talk (5 % 4); session 3: no section, 3 talks.
    assert "Ауд. 5 · Секция краеведческой работы · 1 доклад<" in html
    assert "Ауд. 3 · 3 доклада<" in html
    # Session 4 has no talks: no count at all.
    assert "Ауд. 4 · Секция научно-методической работы</p>" in html
    # Its figures count the same sessions and talks: 8 sessions, 4 + 0+1+2+3+0+1 reports.
    figures = conference.figures()
    assert (figures.sessions, figures.reports, figures.sections) == (8, 11, 2)


def test_routing_below_the_events_index(conference_tree, client):
    """The events index routes to a conference in one query; its own routes, the conference's
    routes, the pages below and unknown addresses answer as before."""
    events, conference = conference_tree["events"], conference_tree["conference"]
    assert client.get(events.url + "ics/")["Content-Type"].startswith("text/calendar")
    assert client.get(conference.url + "programme/").status_code == 200
    session = conference_tree["sessions"][0]
    response = client.get(session.url)
    assert response.status_code == 200 and session.title in response.content.decode()
    assert client.get(events.url + "no-such-conference/").status_code == 404
    assert client.get(conference.url + "no-such-session/").status_code == 404
    conference.unpublish()
    assert client.get(conference.url).status_code == 404
