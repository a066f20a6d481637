import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import pgettext

from contests.models import ContestIndexPage, ContestPage, Stage
from events.models import CalendarEntry, ResolutionItem
from kuzbib_site.base import dates
from kuzbib_site.base.kinds import kind_of
from kuzbib_site.home.models import HomePage
from tests.factories import MunicipalityFactory
from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    CriterionFactory,
    NominationFactory,
    StageFactory,
)
from tests.factories.events import at
from tests.site_language import SITE_LANGUAGE, in_site_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest_2009(home_page):
    """КНИГИНЯ-2009, long over; beside the conftest's ``contest``, which takes entries now."""
    index = ContestIndexPage.objects.first() or ContestIndexPageFactory(
        parent=home_page, show_in_menus=True
    )
    contest = ContestPageFactory(parent=index, slug="knyaginya-2009")
    first = NominationFactory(contest=contest, title="Библиотечный проект")
    NominationFactory(contest=contest, title="Массовое мероприятие")
    CriterionFactory(contest=contest, name="Новизна", weight=3)
    CriterionFactory(contest=contest, name="Оформление", nomination=first)
    StageFactory(contest=contest)
    StageFactory(
        contest=contest,
        kind=Stage.Kind.JUDGING,
        title="Работа жюри",
        start=at(10, datetime.date(2009, 5, 4)),
        end=None,
    )
    contest.save_revision().publish()
    return contest


def test_page_tree_rules(wagtail_asserts):
    wagtail_asserts.assertCanCreateAt(HomePage, ContestIndexPage)
    wagtail_asserts.assertCanCreateAt(ContestIndexPage, ContestPage)
    wagtail_asserts.assertCanNotCreateAt(HomePage, ContestPage)


def test_contest_pages_render(wagtail_asserts, client, contest_2009):
    wagtail_asserts.assertPageIsRenderable(contest_2009)
    wagtail_asserts.assertPageIsRenderable(contest_2009.get_parent())
    html = client.get(contest_2009.url).content.decode()
    for text in ("Библиотечный проект", "Новизна", "Работа жюри", "1 февраля 2009 г."):
        assert text in html


def test_each_stage_is_a_calendar_line(contest_2009):
    entries = CalendarEntry.objects.filter(page=contest_2009).order_by("start")
    assert [e.title for e in entries] == [
        f"{contest_2009.title}: Приём работ",
        f"{contest_2009.title}: Работа жюри",
    ]
    assert {e.kind for e in entries} == {"contest_stage"}


@pytest.mark.parametrize(
    "birth, eligible",
    [
        (datetime.date(1974, 2, 1), True),  # turns 35 on the reference date
        (datetime.date(1973, 2, 2), True),  # still 35 on it, 36 the next day
        (datetime.date(1973, 2, 1), False),  # turns 36 on it
        (datetime.date(1990, 2, 28), True),
        (datetime.date(1972, 2, 29), False),
    ],
)
def test_age_limit_on_the_reference_date(contest_2009, birth, eligible):
    assert contest_2009.is_eligible_age(birth) is eligible


def test_municipality_eligibility(contest_2009):
    kemerovo, belovo = MunicipalityFactory(name="Кемерово"), MunicipalityFactory(name="Белово")
    assert contest_2009.is_eligible_municipality(belovo)  # empty list: the whole region
    contest_2009.municipalities.set([kemerovo])
    contest_2009.save()
    assert contest_2009.is_eligible_municipality(kemerovo)
    assert not contest_2009.is_eligible_municipality(belovo)
    assert not contest_2009.is_eligible_municipality(None)


def test_validation(contest_2009):
    contest_2009.age_reference_date = None
    with pytest.raises(ValidationError, match="age_reference_date"):
        contest_2009.full_clean()
    contest_2009.age_reference_date = datetime.date(2009, 2, 1)
    contest_2009.allowed_kinds = "pdf, exe"
    with pytest.raises(ValidationError, match="exe"):
        contest_2009.full_clean()
    contest_2009.allowed_kinds = " PDF ,docx"
    assert contest_2009.file_kinds == ["pdf", "docx"]


def test_contest_page_queries_do_not_grow(contest_2009, assert_queries_bounded):
    def more_rules():
        for _ in range(10):
            NominationFactory(contest=contest_2009)
            CriterionFactory(contest=contest_2009)
            StageFactory(contest=contest_2009)

    assert_queries_bounded(contest_2009.url, more_rules, cap=16)


def test_demo_has_kniginya_linked_from_resolution_item_5(demo_site, client):
    contest = ContestPage.objects.get(slug="kniginya-2009")
    assert contest.nominations.count() == 3 and contest.criteria.count() == 4
    item = ResolutionItem.objects.get(kind="decided", number="5")
    assert list(item.carried_out_by.all()) == [contest.page_ptr]
    assert CalendarEntry.objects.filter(page=contest).count() == 3
    assert client.get(contest.url).status_code == 200
    resolution = item.resolution
    assert contest.url in client.get(resolution.url).content.decode()


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def in_russian(context, msgid):
    with translation.override(SITE_LANGUAGE):
        return pgettext(context, msgid)


def facts(page):
    """The header's facts: label → the text of its value."""
    terms = page.select("header.page-header dl.facts dt")
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in terms
    }


def test_a_contest_is_named_as_visitors_say_it():
    with translation.override(SITE_LANGUAGE):
        assert str(kind_of(ContestPage)) == pgettext("kind of page", "Contest")
        assert str(kind_of(ContestIndexPage)) == pgettext("kind of page", "Contests")
        assert str(kind_of(ContestPage)) != str(ContestPage._meta.verbose_name)


def test_the_header_of_a_contest_taking_entries(client, contest):
    contest.venue, contest.address, contest.city = "ЦБС", "", "Кемерово"
    contest.save_revision().publish()
    page = soup(client, contest.url)
    header = page.select_one("main header.page-header")
    assert header.select_one(".page-header__kind").get_text(strip=True) == in_russian(
        "kind of page", "Contest"
    )
    assert header.h1.get_text(strip=True) == "КНИГИНЯ-2026"
    stated = facts(page)
    stage = Stage.objects.get(contest=contest)
    with translation.override(SITE_LANGUAGE), timezone.override(contest.local_start.tzinfo):
        until = in_site_language("until %(date)s", date=dates.moment(stage.end))
        when = dates.day_range(contest.start, contest.end)
    assert stated[in_site_language("Where")] == "ЦБС, Кемерово"
    assert stated[in_site_language("When")].startswith(when)
    assert stated[in_site_language("Stage")] == f"Приём работ {until}"
    badge = header.select_one(".contest-stage .badge")
    assert badge.get_text(strip=True) == "Приём работ" and "badge--success" in badge["class"]
    actions = header.select_one(".page-header__actions")
    primary = [a for a in actions.find_all("a") if a["class"] == ["button"]]
    assert [a["href"] for a in primary] == [contest.url + "submit/"]
    assert actions.find("a", href=contest.url + "ics/") is not None


def test_the_header_after_submissions_close(client, contest):
    Stage.objects.filter(contest=contest).update(end=timezone.now() - datetime.timedelta(hours=1))
    page = soup(client, contest.url)
    assert page.find("a", href=contest.url + "submit/") is None
    # The only stage is over and the contest is not: nothing runs, nothing is next.
    assert in_site_language("Stage") not in facts(page)


def test_the_header_of_a_contest_that_is_over(client, contest_2009):
    page = soup(client, contest_2009.url)
    assert facts(page)[in_site_language("Stage")] == in_site_language("The contest is over")
    assert page.select(".stages__item--current") == []
    assert len(page.select(".stages__item--past")) == 2


def test_the_header_before_the_first_stage(client, contest):
    Stage.objects.filter(contest=contest).update(
        start=timezone.now() + datetime.timedelta(days=3),
        end=timezone.now() + datetime.timedelta(days=30),
    )
    stated = facts(soup(client, contest.url))
    assert in_site_language("Stage") not in stated
    assert stated[in_site_language("Next stage")].startswith("Приём работ: ")


def test_the_timeline_marks_the_current_stage(client, contest):
    now = timezone.now()
    StageFactory(
        contest=contest,
        kind=Stage.Kind.OTHER,
        title="Объявление",
        start=now - datetime.timedelta(days=3),
        end=now - datetime.timedelta(days=2),
    )
    StageFactory(
        contest=contest,
        kind=Stage.Kind.JUDGING,
        title="Работа жюри",
        start=now + datetime.timedelta(days=11),
        end=None,
    )
    items = soup(client, contest.url).select("ol.stages > li")
    shown = [
        (li.select_one(".stages__title").get_text(" ", strip=True), li["class"][1]) for li in items
    ]
    assert shown == [
        (f"Объявление ({in_russian('stage', 'over')})", "stages__item--past"),
        (f"Приём работ {in_russian('stage', 'now')}", "stages__item--current"),
        ("Работа жюри", "stages__item--upcoming"),
    ]
    assert [li.get("aria-current") for li in items] == [None, "step", None]


def test_a_stage_without_an_end_lasts_until_the_next_one(contest_2009):
    judging = Stage.objects.get(contest=contest_2009, kind=Stage.Kind.JUDGING)
    results = StageFactory(
        contest=contest_2009,
        kind=Stage.Kind.RESULTS,
        title="Итоги",
        start=at(12, datetime.date(2009, 5, 20)),
        end=None,
    )
    during = at(12, datetime.date(2009, 5, 10))
    shown = {s.stage.pk: s for s in contest_2009.timeline(during)}
    assert shown[judging.pk].state == "current" and shown[judging.pk].until == results.start
    assert shown[results.pk].state == "upcoming"
    # The last one lasts until the contest ends (27 May, 17:00).
    late = {s.stage.pk: s.state for s in contest_2009.timeline(at(16, datetime.date(2009, 5, 27)))}
    assert late[results.pk] == "current" and late[judging.pk] == "past"
    after = {s.stage.pk: s.state for s in contest_2009.timeline(at(18, datetime.date(2009, 5, 27)))}
    assert set(after.values()) == {"past"}
    assert contest_2009.stage_now(at(18, datetime.date(2009, 5, 27))) is None


def test_a_last_stage_on_the_contests_last_day_runs_through_that_day(contest_2009):
    results = StageFactory(
        contest=contest_2009,
        kind=Stage.Kind.RESULTS,
        title="Итоги",
        start=contest_2009.end,
        end=None,
    )
    evening = at(23, datetime.date(2009, 5, 27))
    assert {s.stage.pk: s.state for s in contest_2009.timeline(evening)}[results.pk] == "current"


def text_of(page):
    main = page.select_one("main")
    return [line.strip() for line in main.get_text("\n").splitlines() if line.strip()]


@pytest.mark.parametrize(
    "venue, address, city",
    [
        ("", "", ""),
        ("", "", "Кемерово"),
        ("ЦБС,", " , ", "Кемерово"),
        (" ", "ул. Весенняя, 19,", ""),
    ],
)
def test_no_lone_commas_on_the_contest_page(client, contest, venue, address, city):
    # As a page saved before the city became required, or typed with stray commas.
    ContestPage.objects.filter(pk=contest.pk).update(venue=venue, address=address, city=city)
    page = soup(client, contest.url)
    for line in text_of(page):
        assert not re.search(r"(^,|,\s*,|,$|\(\s*,|,\s*\))", line), line
    where = in_site_language("Where")
    if not (venue + address + city).strip(" ,"):
        assert where not in facts(page)


def test_the_index_shows_contests_as_cards_with_their_stage(client, contest, contest_2009):
    page = soup(client, contest.get_parent().url)
    sections = page.select("main section")
    current, past = sections
    [card] = current.select("ul.cards > li.card")
    assert card.select_one(".card__title a")["href"] == contest.url
    assert card.select_one(".card__meta").get_text(strip=True).startswith("Приём работ: ")
    assert [a.get_text(strip=True) for a in past.select(".card__title a")] == [contest_2009.title]
