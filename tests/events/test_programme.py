"""The conference programme: days, start times by rooms, every cell linking to its session."""

import datetime

import lxml.html
import pytest

from events.programme import programme_days
from tests.factories import SectionSessionPageFactory, TalkFactory
from tests.factories.events import at
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

URL = "/events/viii/programme/"
TABLES = ".//table[contains(@class, 'programme-grid')]"


def get_main(client, url=URL, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode()).get_element_by_id("main")


def grid(main):
    """Each table as {caption, columns, rows: [(time, [cell texts])]}."""
    tables = []
    for table in main.xpath(TABLES):
        tables.append(
            {
                "caption": table.find("caption").text_content().strip(),
                "columns": [th.text_content().strip() for th in table.xpath(".//thead//th")],
                "rows": [
                    (
                        tr.find("th").text_content().strip(),
                        [" ".join(td.text_content().split()) for td in tr.findall("td")],
                    )
                    for tr in table.xpath(".//tbody/tr")
                ],
            }
        )
    return tables


def test_conference_page_links_to_the_programme(client, conference_tree):
    html = client.get("/events/viii/").content.decode()
    assert f'href="{URL}"' in html


def test_programme_is_a_table_of_times_by_rooms(client, conference_tree):
    main = get_main(client)
    (table,) = grid(main)
    assert "2008" in table["caption"]
    assert table["columns"][1:] == ["Ауд. 201"]
    assert [time for time, _ in table["rows"]] == ["13:00", "15:00"]
    first_cell = table["rows"][0][1][0]
    speakers = conference_tree["speakers"]
    assert "Заседание: Секция научно-методической работы" in first_cell
    assert "13:00–15:00" in first_cell
    assert "Секция научно-методической работы" in first_cell
    assert speakers[0].full_name in first_cell and speakers[1].full_name in first_cell
    for talk in conference_tree["sessions"][0].talks.all():
        assert talk.title in first_cell
    # Each cell links to its session page.
    hrefs = [a.get("href") for a in main.xpath(".//table//td//h3/a")]
    assert hrefs == [session.url for session in conference_tree["sessions"]]


def test_table_markup_is_accessible(client, conference_tree):
    main = get_main(client)
    table = main.xpath(TABLES)[0]
    assert table.find("caption") is not None
    assert all(th.get("scope") == "col" for th in table.xpath(".//thead//th"))
    assert all(th.get("scope") == "row" for th in table.xpath(".//tbody//th"))
    ids = {element.get("id") for element in table.iter() if element.get("id")}
    for td in table.xpath(".//td"):
        headers = td.get("headers").split()
        assert len(headers) == 2 and set(headers) <= ids


def test_rooms_become_columns_and_days_become_tables(client, conference_tree):
    conference = conference_tree["conference"]
    SectionSessionPageFactory(
        parent=conference, title="Параллельное заседание", room="Конференц-зал"
    ).save_revision().publish()
    SectionSessionPageFactory(
        parent=conference,
        title="Второй день",
        room="Ауд. 201",
        start=at(10, datetime.date(2008, 12, 17)),
        end=at(12, datetime.date(2008, 12, 17)),
    ).save_revision().publish()
    first, second = grid(get_main(client))
    assert first["columns"][1:] == ["Ауд. 201", "Конференц-зал"]
    assert first["rows"][0][0] == "13:00"
    assert "Заседание: Секция научно-методической работы" in first["rows"][0][1][0]
    assert "Параллельное заседание" in first["rows"][0][1][1]
    assert first["rows"][1][1][1] == ""  # nothing in the hall at 15:00
    assert second["columns"][1:] == ["Ауд. 201"]
    assert "Второй день" in second["rows"][0][1][0]


def test_sessions_in_the_same_room_and_time_share_a_cell(conference_tree):
    conference = conference_tree["conference"]
    SectionSessionPageFactory(parent=conference, title="Ещё одно", start=at(13), end=at(14))
    (day,) = programme_days(conference.specific.sessions())
    assert [len(cell.sessions) for row in day.rows for cell in row.cells] == [2, 1]


def test_session_without_room_is_under_a_named_column(client, conference_tree):
    session = conference_tree["sessions"][1]
    session.room = ""
    session.save_revision().publish()
    (table,) = grid(get_main(client))
    assert len(table["columns"]) == 3 and all(table["columns"])


def test_names_with_html_are_escaped(client, conference_tree):
    talk = conference_tree["sessions"][0].talks.first()
    talk.title = "<script>alert(1)</script>"
    talk.save()
    html = client.get(URL).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_programme_says_so(client, conference_tree):
    for session in conference_tree["sessions"]:
        session.unpublish()
    main = get_main(client)
    assert main.xpath(".//table") == [] and main.xpath(".//*[@role='status']")


@pytest.mark.parametrize(
    "url",
    [
        "/events/viii/programme/extra/",
        "/events/viii/programm/",
        "/events/viii/programme/2008-12-16/",
        "/events/ix/programme/",
        "/events/viii/resolution/programme/",
    ],
)
def test_unknown_routes_are_not_found(client, conference_tree, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"day": "<script>", "room": "' OR 1=1"},
        {"day": "99999999999999999999"},
        {"page": "x" * 2000},
        {"format": "\x00"},
    ],
)
def test_query_parameters_are_ignored(client, conference_tree, params):
    plain = grid(get_main(client))
    assert grid(get_main(client, params=params)) == plain


def test_queries_do_not_grow_with_sessions_and_talks(
    client, conference_tree, assert_queries_bounded
):
    conference, session = conference_tree["conference"], conference_tree["sessions"][0]

    def more_sessions_and_talks():
        for n in range(15):
            extra = SectionSessionPageFactory(
                parent=conference,
                section=conference_tree["methodology"],
                room=f"Ауд. {300 + n % 3}",
                start=at(9 + n % 8),
                end=at(10 + n % 8),
            )
            TalkFactory(session=extra, speakers=conference_tree["speakers"])
            extra.save_revision().publish()
            TalkFactory(session=session, speakers=conference_tree["speakers"])

    assert_queries_bounded(URL, more_sessions_and_talks, cap=20)
    assert len(get_main(client).xpath(".//td//h3/a")) == 17


def scroll_parts(main):
    """Each day's table region and the line saying that it scrolls."""
    parts = []
    for region in main.xpath(".//div[contains(@class, 'programme-wrap')]"):
        hint = main.get_element_by_id(region.get("data-scroll-hint"))
        parts.append((region, hint))
    return parts


def test_the_table_is_a_focusable_region_named_by_its_caption(client, conference_tree):
    ((region, _hint),) = scroll_parts(get_main(client))
    assert region.get("role") == "region" and region.get("tabindex") == "0"
    caption = region.xpath(".//caption")[0]
    assert region.get("aria-labelledby") == caption.get("id")


def test_a_day_with_more_rooms_than_fit_says_its_table_scrolls(client, conference_tree):
    """Four rooms fit across a 1366 px screen; with more, a line above the table says that it
    scrolls sideways and describes the scrolling region (programme.js corrects it in the browser
    for the screen at hand)."""
    from events.programme import ROOMS_ACROSS

    ((region, hint),) = scroll_parts(get_main(client))
    assert hint.get("hidden") is not None and region.get("aria-describedby") is None

    conference = conference_tree["conference"]
    for n in range(ROOMS_ACROSS):
        SectionSessionPageFactory(
            parent=conference, title=f"Заседание в ауд. {401 + n}", room=f"Ауд. {401 + n}"
        ).save_revision().publish()
    main = get_main(client)
    ((region, hint),) = scroll_parts(main)
    (table,) = grid(main)
    assert len(table["columns"]) == 1 + ROOMS_ACROSS + 1
    assert hint.get("hidden") is None
    assert hint.text_content() == in_site_language("The table scrolls horizontally")
    assert region.get("aria-describedby") == hint.get("id")
