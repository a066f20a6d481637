"""Query budgets of the public pages: the festival's list with 3 and then 30 dynasties, and a
dynasty's page with 4 and then 40 members, in the same number of queries and under a cap."""

import pytest
import wagtail_factories

from dynasties.family import Family, Link, Period, Person
from dynasties.models import DynastyPhoto, FestivalNomination, Kinship, Member, WorkPeriod
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories.dynasties import DynastyPageFactory

pytestmark = pytest.mark.django_db


def line_of(people, library_id):
    return Family(
        people=tuple(Person(n, "Фамилия", f"Имя{n}") for n in range(1, people + 1)),
        links=tuple(Link(Link.PARENT, n, n + 1) for n in range(1, people)),
        periods=tuple(
            Period(n, 1990, 2000, "", library_id=library_id) for n in range(1, people + 1)
        ),
    )


def test_the_festival_list_reads_a_bounded_number_of_queries(
    festival, media, assert_queries_bounded
):
    kemerovo = MunicipalityFactory(name="Кемерово")
    library = LibraryFactory(municipality=kemerovo)

    def add(count, start):
        for number in range(start, start + count):
            dynasty = DynastyPageFactory(
                parent=festival,
                family_name=f"Семья{number}",
                municipality=kemerovo if number % 2 else MunicipalityFactory(),
                family=line_of(3, library.pk),
                tags=[f"тег{number % 4}"],
            )
            DynastyPhoto.objects.create(dynasty=dynasty, image=wagtail_factories.ImageFactory())
            nomination = FestivalNomination.objects.create(
                festival=festival, title=f"Номинация {number}"
            )
            nomination.winners.add(dynasty)
            nomination.save()

    add(3, 0)
    urls = [festival.url, f"{festival.url}?library={library.pk}&sort=oldest&tag=тег1"]
    counts = assert_queries_bounded(urls, lambda: add(27, 3), cap=25)
    assert max(counts) <= 25


def grow(dynasty, library, members):
    """Give ``dynasty`` ``members`` members in eight generations of five: each a child of the
    one five places before, married to the next one, with two periods of work and a photo."""
    dynasty.members.all().delete()
    dynasty.links.all().delete()
    dynasty.periods.all().delete()
    portrait = wagtail_factories.ImageFactory()
    for number in range(1, members + 1):
        Member.objects.create(
            dynasty=dynasty,
            number=number,
            last_name="Фамилия",
            first_name=f"Имя{number}",
            birth_date=str(1900 + number),
            photo=portrait if number % 3 == 0 else None,
            sort_order=number,
        )
        if number > 5:
            Kinship.objects.create(
                dynasty=dynasty, kind="parent", person=number - 5, relative=number
            )
        if number % 5 == 1 and number < members:
            Kinship.objects.create(
                dynasty=dynasty, kind="spouse", person=number, relative=number + 1
            )
        WorkPeriod.objects.create(
            dynasty=dynasty, member=number, library=library, start_year=1990, end_year=1995
        )
        WorkPeriod.objects.create(
            dynasty=dynasty, member=number, library_name="Сельская", start_year=1993, end_year=1999
        )
    for _number in range(3):
        DynastyPhoto.objects.create(dynasty=dynasty, image=wagtail_factories.ImageFactory())
    dynasty.tags.add("a", "b")
    dynasty.save()


def test_a_dynasty_page_with_40_members_reads_as_many_queries_as_with_4(
    festival, media, assert_queries_bounded
):
    library = LibraryFactory()
    dynasty = DynastyPageFactory(parent=festival, municipality=MunicipalityFactory())
    nomination = FestivalNomination.objects.create(festival=festival, title="Самая большая")
    nomination.winners.add(dynasty)
    nomination.save()
    grow(dynasty, library, 4)
    (count,) = assert_queries_bounded(dynasty.url, lambda: grow(dynasty, library, 40), cap=20)
    assert dynasty.member_count == 40
    assert count <= 20
