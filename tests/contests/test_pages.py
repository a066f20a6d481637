import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from contests.models import ContestIndexPage, ContestPage, Stage
from events.models import CalendarEntry, ResolutionItem
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(home_page):
    index = ContestIndexPageFactory(parent=home_page, show_in_menus=True)
    contest = ContestPageFactory(parent=index, slug="knyaginya")
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


def test_contest_pages_render(wagtail_asserts, client, contest):
    wagtail_asserts.assertPageIsRenderable(contest)
    wagtail_asserts.assertPageIsRenderable(contest.get_parent())
    html = client.get(contest.url).content.decode()
    for text in ("Библиотечный проект", "Новизна", "Работа жюри", "1 февраля 2009 г."):
        assert text in html


def test_each_stage_is_a_calendar_line(contest):
    entries = CalendarEntry.objects.filter(page=contest).order_by("start")
    assert [e.title for e in entries] == [
        f"{contest.title}: Приём работ",
        f"{contest.title}: Работа жюри",
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
def test_age_limit_on_the_reference_date(contest, birth, eligible):
    assert contest.is_eligible_age(birth) is eligible


def test_municipality_eligibility(contest):
    kemerovo, belovo = MunicipalityFactory(name="Кемерово"), MunicipalityFactory(name="Белово")
    assert contest.is_eligible_municipality(belovo)  # empty list: the whole region
    contest.municipalities.set([kemerovo])
    contest.save()
    assert contest.is_eligible_municipality(kemerovo)
    assert not contest.is_eligible_municipality(belovo)
    assert not contest.is_eligible_municipality(None)


def test_validation(contest):
    contest.age_reference_date = None
    with pytest.raises(ValidationError, match="age_reference_date"):
        contest.full_clean()
    contest.age_reference_date = datetime.date(2009, 2, 1)
    contest.allowed_kinds = "pdf, exe"
    with pytest.raises(ValidationError, match="exe"):
        contest.full_clean()
    contest.allowed_kinds = " PDF ,docx"
    assert contest.file_kinds == ["pdf", "docx"]


def test_contest_page_queries_do_not_grow(contest, assert_queries_bounded):
    def more_rules():
        for _ in range(10):
            NominationFactory(contest=contest)
            CriterionFactory(contest=contest)
            StageFactory(contest=contest)

    assert_queries_bounded(contest.url, more_rules, cap=16)


def test_demo_has_knyaginya_linked_from_resolution_item_5(client):
    call_command("load_demo", stdout=io.StringIO())
    contest = ContestPage.objects.get(slug="knyaginya-2009")
    assert contest.nominations.count() == 3 and contest.criteria.count() == 4
    item = ResolutionItem.objects.get(kind="decided", number="5")
    assert list(item.carried_out_by.all()) == [contest.page_ptr]
    assert CalendarEntry.objects.filter(page=contest).count() == 3
    assert client.get(contest.url).status_code == 200
    resolution = item.resolution
    assert contest.url in client.get(resolution.url).content.decode()
