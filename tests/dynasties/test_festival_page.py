"""The festival's public page: the event, the call to apply, nominations with their awards, and
the list of dynasties with its order, filters, counts and pages."""

import datetime
import html
import re

import pytest
import wagtail_factories
from django.utils import timezone

from dynasties.family import Family, Link, Period, Person
from dynasties.models import DynastyPage, DynastyPhoto, FestivalNomination, FestivalPage
from kuzbib_site.home.models import HomePage, StandardPage
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def festival(home_page):
    return FestivalPageFactory(parent=home_page, intro="<p>Праздник семей библиотекарей.</p>")


def small_family(surname, *, people=2, start=1990, end=2000, library="Библиотека", library_id=None):
    """``people`` members of one line (each a parent of the next), each working from ``start``
    to ``end``: the dynasty has ``people`` members and generations and ``people`` × the years."""
    return Family(
        people=tuple(Person(n, surname, f"Имя{n}") for n in range(1, people + 1)),
        links=tuple(Link(Link.PARENT, n, n + 1) for n in range(1, people)),
        periods=tuple(
            Period(n, start, end, library, library_id=library_id) for n in range(1, people + 1)
        ),
    )


def names_in_order(response):
    return re.findall(
        r'class="dynasty-card__name"><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )


# --- Where the festival lives --------------------------------------------------------------------


def test_dynasties_live_only_under_a_festival(wagtail_asserts):
    wagtail_asserts.assertCanCreateAt(HomePage, FestivalPage)
    wagtail_asserts.assertCanCreateAt(FestivalPage, DynastyPage)
    wagtail_asserts.assertCanNotCreateAt(HomePage, DynastyPage)
    wagtail_asserts.assertCanNotCreateAt(StandardPage, DynastyPage)
    wagtail_asserts.assertCanNotCreateAt(DynastyPage, DynastyPage)
    wagtail_asserts.assertAllowedParentPageTypes(DynastyPage, {FestivalPage})
    wagtail_asserts.assertAllowedSubpageTypes(FestivalPage, {DynastyPage})


def test_the_festival_is_routable_and_renderable(wagtail_asserts, festival):
    DynastyPageFactory(parent=festival)
    wagtail_asserts.assertPageIsRoutable(festival)
    wagtail_asserts.assertPageIsRenderable(festival)


# --- The event ------------------------------------------------------------------------------------


def test_the_event_header_shows_dates_venue_status_and_the_calendar_link(client, festival):
    response = client.get(festival.url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Областная научная библиотека" in text
    assert f'href="{festival.url}{festival.reverse_subpage("ics")}"' in text
    assert "Праздник семей библиотекарей." in text
    assert str(festival.start.year) in text


def test_while_applications_are_open_the_page_calls_to_apply(client, festival):
    text = client.get(festival.url).content.decode()
    assert f'href="{festival.url}{festival.reverse_subpage("apply")}"' in text
    local = timezone.localtime(festival.applications_close_at)
    assert str(local.year) in text and 'class="festival__apply notice notice--info"' in text


def test_once_applications_close_the_page_says_so(client, festival):
    festival.applications_close_at = timezone.now() - datetime.timedelta(days=1)
    festival.applications_open_from = timezone.now() - datetime.timedelta(days=30)
    festival.save()
    text = client.get(festival.url).content.decode()
    assert festival.reverse_subpage("apply") not in text
    assert "festival__closed" in text


def test_before_applications_open_the_page_gives_the_date(client, festival):
    festival.applications_open_from = timezone.now() + datetime.timedelta(days=3)
    festival.save()
    response = client.get(festival.url)
    assert festival.reverse_subpage("apply") not in response.content.decode()
    assert not response.context["applications_open"]
    assert "festival__closed" in response.content.decode()


def test_nominations_show_their_awarded_live_dynasties(client, festival):
    winner = DynastyPageFactory(parent=festival, family_name="Петровы")
    draft = DynastyPageFactory(parent=festival, family_name="Черновы", live=False)
    nomination = FestivalNomination(
        festival=festival, title="Старейшая династия", description="Дольше всех в библиотеках."
    )
    nomination.save()
    nomination.winners.set([winner, draft])
    nomination.save()
    FestivalNomination.objects.create(festival=festival, title="Самая многочисленная", sort_order=1)
    text = client.get(festival.url).content.decode()
    assert "Старейшая династия" in text and "Самая многочисленная" in text
    assert f'<a href="{winner.url}">Петровы</a>' in text
    assert "Черновы" not in text


# --- The list -------------------------------------------------------------------------------------


@pytest.fixture
def three(festival):
    """Большовы (4 generations of 11 years each: 44), Старовы (2 generations from 1950:
    2 × 11 = 22) and Младовы (3 generations from 2010 to 2012: 9)."""
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    belovo = MunicipalityFactory(name="Беловский муниципальный округ")
    library = LibraryFactory(full_name="Библиотека им. Гоголя", municipality=kemerovo)
    big = DynastyPageFactory(
        parent=festival,
        family_name="Большовы",
        municipality=kemerovo,
        family=small_family("Большов", people=4, start=1990, end=2000),
        tags=["сельские библиотеки"],
    )
    old = DynastyPageFactory(
        parent=festival,
        family_name="Старовы",
        municipality=belovo,
        family=small_family("Старов", people=2, start=1950, end=1960, library_id=library.pk),
        tags=["сельские библиотеки", "детские библиотеки"],
    )
    young = DynastyPageFactory(
        parent=festival,
        family_name="Младовы",
        municipality=kemerovo,
        family=small_family("Младов", people=3, start=2010, end=2012, library_id=library.pk),
    )
    return {
        "big": big,
        "old": old,
        "young": young,
        "kemerovo": kemerovo,
        "belovo": belovo,
        "library": library,
    }


def test_the_list_is_sorted_by_service_by_default(client, festival, three):
    figures = [three[key].service_years for key in ("big", "old", "young")]
    assert figures == [44, 22, 9]
    assert names_in_order(client.get(festival.url)) == ["Большовы", "Старовы", "Младовы"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("service", ["Большовы", "Старовы", "Младовы"]),
        ("generations", ["Большовы", "Младовы", "Старовы"]),
        ("members", ["Большовы", "Младовы", "Старовы"]),
        ("name", ["Большовы", "Младовы", "Старовы"]),
        ("oldest", ["Старовы", "Большовы", "Младовы"]),
    ],
)
def test_each_order(client, festival, three, sort, expected):
    response = client.get(f"{festival.url}?sort={sort}")
    assert names_in_order(response) == expected
    assert f'<option value="{sort}" selected>' in response.content.decode()


def test_a_card_shows_the_figures_place_and_tags(client, festival, three):
    text = client.get(festival.url).content.decode()
    card = text[text.index("Большовы") :][:2000]
    assert "Кемеровский городской округ" in card
    assert "<strong>44</strong>" in card and "<strong>4</strong>" in card
    assert "1990" in card
    assert "сельские библиотеки" in card
    assert f'href="{festival.url}?tag=' in card


def test_filter_by_municipality(client, festival, three):
    response = client.get(f"{festival.url}?municipality={three['belovo'].pk}")
    assert names_in_order(response) == ["Старовы"]
    assert response.context["filters"].names["municipality"] == "Беловский муниципальный округ"


def test_filter_by_library_counts_a_dynasty_once(client, festival, three):
    response = client.get(f"{festival.url}?library={three['library'].pk}")
    # Младовы have three periods in the library: one card.
    assert names_in_order(response) == ["Старовы", "Младовы"]
    assert response.context["results"].paginator.count == 2


def test_filter_by_tag(client, festival, three):
    slug = three["old"].tags.get(name="детские библиотеки").slug
    assert names_in_order(client.get(f"{festival.url}?tag={slug}")) == ["Старовы"]


def test_the_options_count_with_the_other_filters(client, festival, three):
    response = client.get(f"{festival.url}?municipality={three['kemerovo'].pk}")
    options = response.context["options"]
    municipalities = {
        option.label: (option.count, option.selected) for option in options["municipality"]
    }
    # Counted without its own filter: each municipality's dynasties.
    assert municipalities == {
        "Беловский муниципальный округ": (1, False),
        "Кемеровский городской округ": (2, True),
    }
    # The library among Кемерово's dynasties: Младовы only.
    libraries = [(option.label, option.count) for option in options["library"]]
    assert libraries == [("Библиотека им. Гоголя", 1)]
    tags = {option.label: option.count for option in options["tag"]}
    assert tags == {"детские библиотеки": 0, "сельские библиотеки": 1}


def test_the_form_lists_only_what_occurs_among_the_festival_dynasties(client, festival, three):
    MunicipalityFactory(name="Таштагольский муниципальный район")
    LibraryFactory(full_name="Библиотека, где никто не работал")
    other = FestivalPageFactory(parent=festival.get_parent())
    DynastyPageFactory(parent=other, municipality=MunicipalityFactory(name="Юргинский округ"))
    text = client.get(festival.url).content.decode()
    assert "Таштагольский" not in text and "никто не работал" not in text
    assert "Юргинский" not in text
    assert "Беловский муниципальный округ (1)" in text
    assert 'method="get"' in text


def test_a_draft_dynasty_is_not_listed(client, festival, three):
    DynastyPageFactory(parent=festival, family_name="Скрытые", live=False)
    assert "Скрытые" not in client.get(festival.url).content.decode()


def test_the_count_and_pages(client, festival, settings):
    settings.KUZBIB_DYNASTIES = {"PER_PAGE": 2}
    for number in range(5):
        DynastyPageFactory(parent=festival, family_name=f"Семья{number}")
    first = client.get(festival.url)
    assert first.context["results"].paginator.count == 5
    assert len(names_in_order(first)) == 2
    third = client.get(f"{festival.url}?page=3&sort=name")
    assert names_in_order(third) == ["Семья4"]
    assert 'href="?sort=name&amp;page=2"' in third.content.decode()
    canonical = f'<link rel="canonical" href="http://localhost{festival.url}?page=3">'
    assert canonical in client.get(f"{festival.url}?page=3").content.decode()


def test_a_filtered_view_is_not_indexed(client, festival, three):
    text = client.get(f"{festival.url}?municipality={three['belovo'].pk}").content.decode()
    assert 'name="robots" content="noindex, follow"' in text
    assert f'<link rel="canonical" href="http://localhost{festival.url}">' in text


def test_an_empty_festival(client, festival):
    response = client.get(festival.url)
    assert response.status_code == 200
    assert response.context["results"].paginator.count == 0


def test_a_thumbnail_of_the_first_photo(client, festival, media):
    dynasty = DynastyPageFactory(parent=festival, family_name="Фотовы")
    first = wagtail_factories.ImageFactory(title="first.jpg")
    second = wagtail_factories.ImageFactory(title="second.jpg")
    DynastyPhoto.objects.create(dynasty=dynasty, image=second, caption="Вторая", sort_order=1)
    DynastyPhoto.objects.create(
        dynasty=dynasty, image=first, caption="Семья у библиотеки", sort_order=0
    )
    text = client.get(festival.url).content.decode()
    assert 'alt="Семья у библиотеки"' in text
    assert "Вторая" not in text
    (src,) = re.findall(r'<div class="dynasty-card__photo"><img[^>]+src="([^"]*)"', text)
    assert src == first.get_rendition("fill-320x200").url


def test_html_in_names_is_escaped(client, festival):
    DynastyPageFactory(
        parent=festival,
        family_name="<script>alert(1)</script>Ивановы",
        municipality=MunicipalityFactory(name="<b>Округ</b>"),
        tags=["<i>тег</i>"],
    )
    text = client.get(festival.url).content.decode()
    assert "<script>alert(1)" not in text and "<b>Округ" not in text and "<i>тег" not in text
    assert html.escape("<script>alert(1)</script>Ивановы") in text


def test_a_later_festivals_dynasty_awarded_earlier_is_linked(client, home_page, festival):
    """A dynasty keeps one page: awarded at an earlier festival, it is linked from there too;
    a festival without dynasties of its own shows no list form."""
    earlier = FestivalPageFactory(parent=home_page, title="Фестиваль — 2009", slug="festival-2009")
    winner = DynastyPageFactory(parent=festival, family_name="Петровы")
    nomination = FestivalNomination.objects.create(festival=earlier, title="Старейшая династия")
    nomination.winners.set([winner])
    nomination.save()  # a ParentalManyToManyField is written with its record

    text = client.get(earlier.url).content.decode()

    assert f'<a href="{winner.url}">Петровы</a>' in text
    assert 'name="sort"' not in text
    assert in_site_language("The festival has no dynasties yet.") in text
