"""A dynasty's public page: figures computed from the family, the tree, members with their
periods, story, gallery, tags, awards, GEDCOM links and the way back to the festival."""

import html
import re

import pytest
import wagtail_factories
from django.utils import timezone

from dynasties.family import Family, Person
from dynasties.models import DynastyPhoto, FestivalNomination
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories.dynasties import DynastyPageFactory, three_generations
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def dynasty(festival, media):
    dynasty = DynastyPageFactory(
        parent=festival,
        family_name="Ивановы",
        title="Династия Ивановых",
        municipality=MunicipalityFactory(name="Кемеровский городской округ"),
        summary="Три поколения библиотекарей.",
        story=[("paragraph", "<p>Бабушка пришла в библиотеку в 1950 году.</p>")],
        tags=["сельские библиотеки"],
    )
    DynastyPhoto.objects.create(
        dynasty=dynasty, image=wagtail_factories.ImageFactory(), caption="Мария Петровна за работой"
    )
    DynastyPhoto.objects.create(dynasty=dynasty, image=wagtail_factories.ImageFactory(), caption="")
    return dynasty


def text_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dynasty_is_routable_and_renderable(wagtail_asserts, dynasty):
    wagtail_asserts.assertPageIsRoutable(dynasty)
    wagtail_asserts.assertPageIsRenderable(dynasty)


def test_the_figures_are_computed_from_the_family(client, dynasty):
    response = client.get(dynasty.url)
    figures = response.context["figures"]
    # 1950–1985: 36; 1975–2000 merged: 26; since 2005: this year − 2004.
    service = 36 + 26 + timezone.localdate().year - 2004
    assert (figures.members, figures.generations, figures.service_years) == (4, 3, service)
    assert figures.librarian_generations == 3 and figures.first_year == 1950
    text = response.content.decode()
    assert f"<dd>{service}</dd>" in text and "<dd>1950</dd>" in text
    assert 'class="dynasty-figures__note' in text
    for library in ("Кемеровская областная библиотека", "Городская библиотека"):
        assert library in text


def test_the_tree_and_its_list(client, dynasty):
    text = text_of(client, dynasty)
    assert "<svg" in text and 'class="family-tree__outline"' in text
    # The tree's names link to the members' entries below.
    assert 'href="#member-2"' in text and 'id="member-2"' in text


def test_members_with_years_and_periods(client, dynasty):
    response = client.get(dynasty.url)
    text = response.content.decode()
    assert "Иванова Мария Петровна" in text
    # Years of life written as the tree's boxes write them, in the list and in the tree alike.
    assert '<p class="dynasty-member__life">1925–2001</p>' in text
    assert text.count("1925–2001") >= 2
    assert "Смирнова" in text  # the maiden name
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert "1975–1990 — Библиотека шахты «Северная», заведующая" in plain
    rows = response.context["members"]
    assert [row.generation for row in rows] == [1, 2, 2, 3]
    assert [row.service_years for row in rows][0] == 36


def test_a_period_in_a_directory_library_links_to_the_festival_filtered(client, festival, media):
    library = LibraryFactory(full_name="ЦБС г. Белово")
    family = three_generations()
    family = Family(
        people=family.people,
        links=family.links,
        periods=(
            *family.periods,
            type(family.periods[0])(2, 1970, 1972, "", library_id=library.pk),
        ),
    )
    dynasty = DynastyPageFactory(parent=festival, family=family)
    text = text_of(client, dynasty)
    assert f'href="{festival.url}?library={library.pk}">ЦБС г. Белово</a>' in text


def test_story_gallery_and_tags(client, dynasty, festival):
    text = text_of(client, dynasty)
    assert "Бабушка пришла в библиотеку в 1950 году." in text
    assert 'alt="Мария Петровна за работой"' in text
    untitled = in_site_language("Photo of the %(family)s family", family="Ивановы")
    assert f'alt="{html.escape(untitled)}"' in text
    assert f'href="{festival.url}?tag=' in text and "сельские библиотеки" in text


def test_awards_gedcom_and_the_way_back(client, dynasty, festival):
    nomination = FestivalNomination.objects.create(festival=festival, title="Старейшая династия")
    nomination.winners.add(dynasty)
    nomination.save()
    text = text_of(client, dynasty)
    assert "Старейшая династия" in text
    assert f'href="{dynasty.url}{dynasty.reverse_subpage("gedcom")}"' in text
    assert f'href="{dynasty.url}{dynasty.reverse_subpage("gedcom7")}"' in text
    assert f'href="{festival.url}"' in text
    # Breadcrumbs: the festival.
    assert re.search(rf'<nav[^>]*breadcrumb.*?href="{festival.url}"', text, re.S)


def test_html_in_names_is_escaped(client, festival):
    family = Family(
        people=(
            Person(1, "<script>alert(1)</script>", "<b>Иван</b>", birth="1950"),
            Person(2, "Иванова", "Анна", maiden_name="<i>Смирнова</i>"),
        )
    )
    dynasty = DynastyPageFactory(
        parent=festival, family=family, family_name="<img src=x onerror=alert(1)>"
    )
    text = text_of(client, dynasty)
    assert "<script>alert(1)" not in text and "<b>Иван" not in text
    assert "<i>Смирнова" not in text and "<img src=x" not in text
    assert html.escape("<script>alert(1)</script>") in text


def test_a_preview_shows_the_edited_members(client, dynasty):
    dynasty.members.first().first_name = "Изменённая"
    members = list(dynasty.members.all())
    members[0].first_name = "Изменённая"
    dynasty.members = members
    response = dynasty.make_preview_request()
    assert response.status_code == 200
    assert "Изменённая" in response.content.decode()
