"""The demo's heroes archive (``kuzbib_site.demo.heroes``): what the invented heroes hold, that
they are marked as fictional, that this month's «Памятные даты» is never empty, and that loading
twice leaves one copy, published with revisions and linked from recommendation 3.3."""

import collections
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from wagtail.models import Revision

from events.models import ResolutionItem
from heroes_archive import anniversaries
from heroes_archive.models import (
    AwardKind,
    HeroAward,
    HeroIndexPage,
    HeroPage,
    Industry,
    Memorial,
    MemorialKind,
    Relation,
    Sex,
    Source,
    SourceKind,
)
from kuzbib_site.base import lemma_index, partial_dates
from kuzbib_site.demo import heroes, site
from tests.factories import (
    ConferencePageFactory,
    EventIndexPageFactory,
    ResolutionItemFactory,
    ResolutionPageFactory,
)

TODAY = datetime.date(2026, 3, 15)


@pytest.fixture(scope="module")
def generated():
    return heroes.generate(TODAY)


def titles(hero):
    return [award for award in hero.awards if award[0] == AwardKind.HERO]


def test_the_same_heroes_on_every_run(generated):
    again = heroes.generate(TODAY)
    assert [hero.__dict__ for hero in again] == [hero.__dict__ for hero in generated]
    assert [hero.identifier for hero in generated] == [
        f"GST-{n:05d}" for n in range(1, heroes.COUNT + 1)
    ]
    assert 70 <= heroes.COUNT <= 90
    assert len({hero.full_name for hero in generated}) == heroes.COUNT


def test_every_hero_says_it_is_fictional(generated):
    for hero in generated:
        assert hero.summary.startswith(heroes.DEMO_NOTE), hero.identifier
        assert len(hero.summary) <= 600


def test_heroes_are_spread_over_industries_relations_and_sexes(generated):
    industries = collections.Counter(hero.industry for hero in generated)
    assert industries.most_common(1)[0][0] == Industry.COAL
    assert industries[Industry.COAL] >= heroes.COUNT // 3
    for industry in (
        Industry.METALLURGY,
        Industry.CHEMISTRY,
        Industry.AGRICULTURE,
        Industry.CONSTRUCTION,
        Industry.TRANSPORT,
    ):
        assert industries[industry] >= 3, industry
    assert {hero.relation for hero in generated} == set(Relation.values)
    women = [hero for hero in generated if hero.sex == Sex.FEMALE]
    assert 8 <= len(women) <= 20
    # Women get the female forms of surnames, patronymics and verbs.
    assert all(hero.patronymic.endswith(("вна", "чна")) for hero in women)
    assert all(hero.paragraphs[0].startswith("Родилась") for hero in women)
    municipalities = {hero.municipality for hero in generated if hero.municipality}
    assert len(municipalities) >= 15


def test_award_years_gather_in_the_fifties_to_seventies(generated):
    years = [
        partial_dates.PartialDate.parse(date).start.year
        for hero in generated
        for _kind, date, *_rest in titles(hero)
    ]
    assert min(years) >= 1943 and max(years) <= 1987
    middle = sum(1950 <= year <= 1979 for year in years)
    assert middle >= 0.6 * len(years)


def test_twice_heroes_have_titles_numbered_one_and_two(generated):
    twice = [hero for hero in generated if hero.twice]
    assert len(twice) >= 2
    for hero in twice:
        assert [number for *_rest, number in titles(hero)] == [1, 2]
        first, second = (partial_dates.PartialDate.parse(date) for _k, date, *_r in titles(hero))
        assert first.end < second.start
        assert any(kind == MemorialKind.BUST for kind, *_rest in hero.memorials)
    assert all(
        [number for *_rest, number in titles(hero)] == [None]
        for hero in generated
        if not hero.twice
    )


def test_partial_dates_of_every_kind(generated):
    precisions = collections.Counter()
    for hero in generated:
        for text in (hero.birth_date, hero.death_date):
            if text:
                value = partial_dates.PartialDate.parse(text)
                precisions["approximate" if value.approximate else value.precision] += 1
        birth = partial_dates.PartialDate.parse(hero.birth_date)
        death = partial_dates.PartialDate.parse(hero.death_date) if hero.death_date else None
        first_title = partial_dates.PartialDate.parse(titles(hero)[0][1])
        assert birth.end.year + 15 < first_title.start.year, hero.identifier
        assert death is None or first_title.end < death.start, hero.identifier
    for precision in ("day", "month", "year", "approximate", "range", "decade"):
        assert precisions[precision] >= 1, precision
    assert any(
        partial_dates.PartialDate.parse(date).precision != "day"
        for hero in generated
        for _kind, date, *_rest in titles(hero)
    )


def test_other_awards_sources_memorials_and_tags(generated):
    kinds = collections.Counter(kind for hero in generated for kind, *_rest in hero.awards)
    assert kinds[AwardKind.ORDER_LENIN] >= heroes.COUNT
    assert len(set(kinds) - {AwardKind.HERO, AwardKind.ORDER_LENIN}) >= 5
    sources = collections.Counter(source["kind"] for hero in generated for source in hero.sources)
    assert set(sources) == set(SourceKind.values)
    assert all(hero.sources for hero in generated)
    web = [source for hero in generated for source in hero.sources if source["kind"] == "web"]
    assert all(source["url"].startswith("https://example.org/") for source in web)
    memorials = collections.Counter(kind for hero in generated for kind, *_rest in hero.memorials)
    for kind in (MemorialKind.BUST, MemorialKind.PLAQUE, MemorialKind.STREET, MemorialKind.GRAVE):
        assert memorials[kind] >= 1, kind
    assert all(hero.tags for hero in generated)
    assert any("дважды Герои" in hero.tags for hero in generated)


def test_miners_speak_of_shakhtyory_in_several_forms(generated):
    miners = [hero for hero in generated if "шахтёры" in hero.tags]
    assert len(miners) >= 10
    forms = set()
    for hero in miners:
        text = " ".join(hero.paragraphs)
        found = {word.strip(".,;:«»") for word in text.split() if word.startswith("шахтёр")}
        assert found, hero.identifier
        forms |= found
    assert {"шахтёров", "шахтёры"} <= forms
    assert len(forms) >= 3
    others = [hero for hero in generated if hero not in miners]
    assert not any("шахтёр" in " ".join(hero.paragraphs) for hero in others)


@pytest.mark.parametrize("month", range(1, 13))
def test_anniversaries_fall_in_the_month_of_loading(month):
    today = datetime.date(2026, month, 1)
    found = []
    for hero in heroes.generate(today):
        dates = [hero.birth_date, *(date for _kind, date, *_rest in titles(hero))]
        for text in dates:
            value = partial_dates.PartialDate.parse(text)
            if value.precision == "day" and value.start.month == month:
                found.append((hero.identifier, (today.year - value.start.year) % 5))
    # At least the pinned ones, on round anniversaries.
    assert sum(1 for _identifier, rest in found if rest == 0) >= len(heroes.ANNIVERSARIES)


# -- in the database ------------------------------------------------------------------------


@pytest.fixture
def recommendation(home_page):
    """Recommendation 3.3 of the VIII session as the events demo makes it."""
    events = EventIndexPageFactory(parent=home_page)
    conference = ConferencePageFactory(parent=events, slug="viii-session-2008", number=8)
    resolution = ResolutionPageFactory(parent=conference, slug="resolution")
    return ResolutionItemFactory(
        resolution=resolution,
        kind=ResolutionItem.Kind.RECOMMENDED,
        number="3.3",
        text="«Герои Социалистического Труда – кузбассовцы (1943-1987 гг.)».",
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_load_builds_the_archive_once_published_renders_and_is_linked(home_page, recommendation):
    site.load_directory()
    archive = heroes.load(home_page, today=TODAY)

    assert archive.get_parent().specific == home_page
    assert archive.show_in_menus and archive.live
    assert "демонстрационная версия" in archive.intro.lower()
    assert archive.title == "Герои Социалистического Труда — кузбассовцы (1943–1987)"
    assert list(recommendation.carried_out_by.all()) == [archive.page_ptr]

    pages = HeroPage.objects.child_of(archive)
    assert pages.count() == heroes.COUNT
    assert pages.live().count() == heroes.COUNT
    ids = [str(pk) for pk in pages.values_list("pk", flat=True)]
    assert Revision.page_revisions.filter(object_id__in=ids).count() == heroes.COUNT
    assert all(page.live_revision_id for page in pages)
    assert pages.filter(municipality__isnull=False).values("municipality").distinct().count() >= 15
    assert pages.filter(title_count=2).count() >= 2
    hero = pages.get(identifier="GST-00001")
    assert hero.slug == "gst-00001"
    assert hero.summary.startswith(heroes.DEMO_NOTE)
    assert heroes.DEMO_NOTE in hero.biography[0].value.source
    # Each record passes the model's own checks, as an editor's save would.
    for page in pages.prefetch_related("awards"):
        try:
            page.full_clean()
            for award in page.awards.all():
                award.full_clean(exclude=["hero"])
        except ValidationError as error:
            pytest.fail(f"{page.identifier}: {error}")
    # This month's anniversaries, on the days the archive reads.
    births = pages.filter(birth_date_start__month=TODAY.month, birth_date_end=F("birth_date_start"))
    awarded = HeroAward.objects.filter(
        hero__in=pages, kind=AwardKind.HERO, date_start__month=TODAY.month, date_end=F("date_start")
    )
    assert births.count() + awarded.count() >= len(heroes.ANNIVERSARIES)
    # «Памятные даты» of the month of loading lists them, with their round anniversaries.
    listed = [
        anniversary
        for day in anniversaries.of_month(archive, TODAY.month, TODAY.year)
        for anniversary in day.anniversaries
    ]
    assert sum(1 for item in listed if item.is_round) >= len(heroes.ANNIVERSARIES)

    def counts():
        return (
            HeroIndexPage.objects.count(),
            HeroPage.objects.count(),
            HeroAward.objects.count(),
            Memorial.objects.count(),
            Source.objects.count(),
            Revision.page_revisions.filter(object_id__in=ids).count(),
        )

    before = counts()
    again = heroes.load(home_page, today=TODAY)
    assert again.pk == archive.pk
    # Nothing changed: no copies, and no new revisions of unchanged heroes.
    assert counts() == before
    assert recommendation.carried_out_by.count() == 1

    # Next month, the anniversaries move: only the heroes that carry them are published anew.
    _pages, written = heroes.load_heroes(archive, today=TODAY.replace(month=TODAY.month % 12 + 1))
    assert written == len(heroes.ANNIVERSARIES)
    assert counts()[1] == heroes.COUNT

    # The search demo: «шахтёров» finds the miners, and only them.
    miners = {hero.identifier for hero in heroes.generate(TODAY) if "шахтёры" in hero.tags}
    found = lemma_index.matching(HeroPage.objects.child_of(archive), "шахтёров")
    assert set(found.values_list("identifier", flat=True)) == miners

    # The archive, a hero and the resolution's link to the archive render.
    client = Client()
    assert client.get(archive.url).status_code == 200
    hero = HeroPage.objects.get(identifier="GST-00001")
    response = client.get(hero.url)
    assert response.status_code == 200
    assert heroes.DEMO_NOTE in response.content.decode()
    resolution = client.get(recommendation.resolution.url).content.decode()
    assert f'href="{archive.url}"' in resolution
