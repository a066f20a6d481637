"""The home page as a library portal (kuzbib_site.home.portal): its title, its blocks and what
each shows — one card for a conference and its sessions, contests with their stage, the
standing sections, the archives, the editors' featured pages, each page once — with no heading
over an empty block, in a number of queries that does not grow with the content."""

import datetime

import lxml.html
import pytest
from django.utils import timezone, translation

from contests.models import Judging
from events.models import SectionPage
from kuzbib_site.base import dates
from kuzbib_site.base.kinds import kind_of
from kuzbib_site.home.models import HomePage, HomePageFeatured, LibraryIndexPage, StandardPage
from tests.factories import (
    ConferencePageFactory,
    EventIndexPageFactory,
    PersonFactory,
    SectionIndexPageFactory,
    SectionPageFactory,
    SectionSessionPageFactory,
    StandardPageFactory,
)
from tests.factories.contests import ContestIndexPageFactory, ContestPageFactory, StageFactory
from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory
from tests.factories.periodicals import PeriodicalsIndexPageFactory, TitlePageFactory
from tests.site_language import SITE_LANGUAGE, in_site_language, in_site_language_plural

pytestmark = pytest.mark.django_db


def days(n):
    # From the moment of the call, not of the module's import: the suite runs for half an hour.
    return timezone.now() + datetime.timedelta(days=n)


def published(page):
    page.save_revision().publish()
    return page


def blocks(client):
    """The home page's blocks as a visitor reads them: {heading: [card, …]}, each card a dict of
    its link, title, kind, meta and «more» lines; and the page's <title>."""
    document = lxml.html.fromstring(client.get("/").content.decode())
    found = {}
    for section in document.xpath('//main//section[contains(@class, "section")]'):
        (heading,) = section.xpath(".//h2")
        items = section.xpath('.//li[contains(@class, "card")]') or section.xpath(".//ul/li")
        found[heading.text_content().strip()] = [
            {
                "url": item.xpath("string(.//a/@href)"),
                "title": item.xpath("string(.//a)").strip(),
                "kind": item.xpath('string(.//*[contains(@class, "card__kind")])').strip(),
                "meta": " ".join(
                    item.xpath('string(.//*[contains(@class, "card__meta")])').split()
                ),
                "badge": item.xpath('string(.//*[contains(@class, "badge")])').strip(),
                "more": item.xpath('string(.//*[contains(@class, "card__more")])').strip(),
                "leader": item.xpath('string(.//*[contains(@class, "__leader")])').strip(),
            }
            for item in items
        ]
    return found, document.findtext(".//title")


def day(value):
    with translation.override(SITE_LANGUAGE):
        return dates.day(value)


@pytest.fixture
def events_index(home_page):
    return EventIndexPageFactory(parent=home_page, show_in_menus=True)


def upcoming_conference(events_index, sessions, title="IX Ежегодная сессия", in_days=20):
    start = days(in_days).replace(hour=3, minute=0, second=0, microsecond=0)
    conference = ConferencePageFactory(
        parent=events_index, title=title, start=start, end=start + datetime.timedelta(hours=8)
    )
    for n in range(sessions):
        published(
            SectionSessionPageFactory(
                parent=conference,
                title=f"{title}: заседание {n + 1}",
                start=start + datetime.timedelta(hours=n),
                end=start + datetime.timedelta(hours=n + 1),
            )
        )
    return published(conference)


def test_the_title_is_the_partnership_s_name_alone(client, home_page):
    _blocks, title = blocks(client)
    assert title == "Кузбасские библиотеки"


def test_the_home_page_renders(wagtail_asserts, home_page):
    wagtail_asserts.assertPageIsRenderable(home_page)


def test_an_empty_site_shows_no_headings_without_content(client, home_page):
    found, _title = blocks(client)
    assert found == {}
    html = client.get("/").content.decode()
    assert lxml.html.fromstring(html).xpath("//main//h2") == []


def test_every_heading_stands_over_its_cards(client, home_page, events_index):
    upcoming_conference(events_index, sessions=1)
    found, _title = blocks(client)
    assert list(found) == [in_site_language("Upcoming events")]
    assert all(cards for cards in found.values())


def test_a_conference_and_its_sessions_are_one_card(client, home_page, events_index):
    conference = upcoming_conference(events_index, sessions=4)
    festival = published(FestivalPageFactory(parent=home_page, start=days(40), end=days(41)))
    past = ConferencePageFactory(parent=events_index, title="VIII Ежегодная сессия")
    published(past)  # 16 December 2008
    found, _title = blocks(client)
    events = found[in_site_language("Upcoming events")]
    assert [card["url"] for card in events] == [conference.url, festival.url]
    more = in_site_language_plural(
        "and %(count)s more session", "and %(count)s more sessions", 4, count=4
    )
    assert events[0]["more"] == more
    assert events[1]["more"] == ""
    assert events[0]["kind"] == str(kind_of(conference))
    html = client.get("/").content.decode()
    assert "заседание 1" not in html and "VIII Ежегодная сессия" not in html


def test_the_sessions_count_matches_the_programme(client, home_page, events_index):
    conference = upcoming_conference(events_index, sessions=3)
    conference.get_children().last().specific.unpublish()
    found, _title = blocks(client)
    (card,) = found[in_site_language("Upcoming events")]
    assert conference.specific.sessions().count() == 2
    assert card["more"] == in_site_language_plural(
        "and %(count)s more session", "and %(count)s more sessions", 2, count=2
    )


def contest_with(index, title, stages=(), judging=None, start=-10, end=60):
    contest = ContestPageFactory(parent=index, title=title, start=days(start), end=days(end))
    for kind, first, last in stages:
        StageFactory(
            contest=contest,
            kind=kind,
            title=f"{title}: {kind}",
            start=days(first),
            end=days(last) if last is not None else None,
        )
    published(contest)
    if judging:
        Judging.objects.create(contest=contest, state=judging)
    return contest


def test_contests_are_shown_with_their_stage(client, home_page):
    index = ContestIndexPageFactory(parent=home_page)
    accepting = contest_with(index, "Приём идёт", [("submissions", -5, 10), ("judging", 11, 30)])
    jury = contest_with(index, "Жюри работает", [("submissions", -30, -5)], Judging.State.OPEN)
    summed = contest_with(index, "Итоги считают", [("judging", -30, -1)], Judging.State.CLOSED)
    results = contest_with(index, "Итоги есть", [("results", -3, 30)], Judging.State.PUBLISHED)
    soon = contest_with(index, "Скоро", [("submissions", 5, 20)], start=1)
    contest_with(index, "Давно прошёл", [("submissions", -400, -380)], start=-400, end=-300)
    found, _title = blocks(client)
    contests = {card["title"]: card for card in found[in_site_language("Current contests")]}
    # Four at most, the earliest first: the one starting tomorrow is left for «all contests».
    assert list(contests) == [accepting.title, jury.title, summed.title, results.title]
    until = in_site_language("until %(date)s", date=day(days(10)))
    assert contests[accepting.title]["badge"] == in_site_language("Accepting entries")
    assert contests[accepting.title]["meta"] == f"{in_site_language('Accepting entries')} {until}"
    assert contests[jury.title]["badge"] == in_site_language("The jury at work")
    assert contests[summed.title]["badge"] == in_site_language("Results being summed up")
    assert contests[results.title]["badge"] == in_site_language("Results published")
    assert soon.title not in contests


def test_a_contest_before_its_first_stage_names_that_stage(client, home_page):
    index = ContestIndexPageFactory(parent=home_page)
    contest_with(index, "Скоро", [("submissions", 5, 20), ("judging", 21, 40)], start=1)
    found, _title = blocks(client)
    (card,) = found[in_site_language("Current contests")]
    starts = in_site_language("from %(date)s", date=day(days(5)))
    assert card["meta"] == f"Скоро: submissions {starts}"


def test_standing_sections_with_their_leaders(client, home_page):
    index = SectionIndexPageFactory(parent=home_page)
    leader = PersonFactory(last_name="Громова", first_name="Анна", patronymic="")
    active = SectionPageFactory(parent=index, title="Секция краеведения", leader=leader)
    SectionPageFactory(parent=index, title="Бывшая секция", status=SectionPage.Status.REORGANISED)
    found, _title = blocks(client)
    (card,) = found[in_site_language("Sections of the partnership")]
    assert card["url"] == active.url and card["title"] == "Секция краеведения"
    assert card["leader"] == in_site_language("Leader: %(name)s", name="Громова Анна")
    assert f'href="{index.url}"' in client.get("/").content.decode()  # «all sections»


def test_archives_count_their_records(client, home_page):
    heroes = HeroIndexPageFactory(parent=home_page)
    for n in range(2):
        published(HeroPageFactory(parent=heroes, surname=f"Шахтёров{n}", slug=f"hero-{n}"))
    festival = published(FestivalPageFactory(parent=home_page, start=days(-400), end=days(-399)))
    for n in range(5):
        published(DynastyPageFactory(parent=festival, title=f"Династия {n}", slug=f"d-{n}"))
    upcoming = published(FestivalPageFactory(parent=home_page, start=days(30), end=days(31)))
    periodicals = PeriodicalsIndexPageFactory(parent=home_page)
    for _n in range(3):
        TitlePageFactory(parent=periodicals)
    found, _title = blocks(client)
    archives = found[in_site_language("Archives and collections")]
    assert [card["url"] for card in archives] == [heroes.url, periodicals.url, festival.url]
    assert archives[0]["meta"] == in_site_language_plural(
        "%(count)s hero", "%(count)s heroes", 2, count=2
    )
    assert archives[1]["meta"] == in_site_language_plural(
        "%(count)s periodical", "%(count)s periodicals", 3, count=3
    )
    assert archives[2]["meta"] == in_site_language_plural(
        "%(count)s dynasty", "%(count)s dynasties", 5, count=5
    )
    events = found[in_site_language("Upcoming events")]
    assert [card["url"] for card in events] == [upcoming.url]


def test_a_featured_page_is_shown_once(client, home_page, events_index):
    conference = upcoming_conference(events_index, sessions=2)
    about = StandardPageFactory(parent=home_page, title="О партнёрстве")
    HomePageFeatured.objects.create(home=home_page, page=conference, sort_order=1)
    HomePageFeatured.objects.create(home=home_page, page=about, sort_order=0)
    found, _title = blocks(client)
    featured = found[in_site_language("Featured")]
    assert [card["url"] for card in featured] == [about.url, conference.url]
    assert in_site_language("Upcoming events") not in found  # nothing else is upcoming


def test_an_unpublished_featured_page_is_not_shown(client, home_page):
    draft = StandardPageFactory(parent=home_page, title="Черновик устава")
    HomePageFeatured.objects.create(home=home_page, page=draft)
    draft.unpublish()
    assert "Черновик устава" not in client.get("/").content.decode()


def test_queries_do_not_grow_with_events_contests_and_pages(
    client, home_page, events_index, assert_queries_bounded
):
    contests = ContestIndexPageFactory(parent=home_page)
    sections = SectionIndexPageFactory(parent=home_page)
    heroes = HeroIndexPageFactory(parent=home_page)

    def more(first, count):
        for n in range(first, first + count):
            upcoming_conference(events_index, sessions=3, title=f"Сессия {n}", in_days=10 + n)
            published(FestivalPageFactory(parent=home_page, slug=f"f-{n}", start=days(-n - 1)))
            contest_with(contests, f"Конкурс {n}", [("submissions", -5, 10 + n)])
            SectionPageFactory(parent=sections, leader=PersonFactory())
            published(HeroPageFactory(parent=heroes, slug=f"hero-{n}"))
            page = StandardPageFactory(parent=home_page, title=f"Страница {n}")
            HomePageFeatured.objects.create(home=home_page, page=page)

    more(0, 2)
    assert_queries_bounded("/", lambda: more(2, 5), cap=30)
    found, _title = blocks(client)
    assert len(found[in_site_language("Upcoming events")]) == 6
    assert len(found[in_site_language("Current contests")]) == 4


def test_the_site_s_page_kinds_are_visitors_words():
    with translation.override(SITE_LANGUAGE):
        for page_class in (HomePage, StandardPage, LibraryIndexPage):
            assert "visitor_kind" in vars(page_class)
            assert str(kind_of(page_class)) != str(page_class._meta.verbose_name)
