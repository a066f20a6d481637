import datetime

import lxml.html
import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from kuzbib_site.home.models import HomePage, HomePageFeatured, LibraryIndexPage, StandardPage
from tests.factories import (
    LibraryFactory,
    MunicipalityFactory,
    StandardPageFactory,
)

pytestmark = pytest.mark.django_db


def test_page_tree_rules(wagtail_asserts):
    wagtail_asserts.assertCanCreateAt(Page, HomePage)
    wagtail_asserts.assertCanCreateAt(HomePage, StandardPage)
    wagtail_asserts.assertCanCreateAt(HomePage, LibraryIndexPage)
    wagtail_asserts.assertCanCreateAt(StandardPage, StandardPage)
    wagtail_asserts.assertCanNotCreateAt(StandardPage, LibraryIndexPage)
    wagtail_asserts.assertAllowedSubpageTypes(LibraryIndexPage, [])


def test_every_page_type_renders(wagtail_asserts, site_tree):
    for page in site_tree.values():
        wagtail_asserts.assertPageIsRenderable(page)


def test_page_types_are_editable(wagtail_asserts, site_tree, admin_user):
    wagtail_asserts.assertPageIsEditable(
        site_tree["about"],
        nested_form_data(
            {
                "title": "О партнёрстве",
                "slug": "about",
                "intro": "Кто мы",
                "body": streamfield([("paragraph", rich_text("<p>Текст</p>"))]),
            }
        ),
        user=admin_user,
    )
    wagtail_asserts.assertPageIsEditable(
        site_tree["directory"],
        nested_form_data({"title": "Библиотеки", "slug": "libraries", "intro": rich_text("")}),
        user=admin_user,
    )


def test_directory_groups_current_members_by_municipality(client, site_tree):
    kemerovo = MunicipalityFactory(name="Кемерово")
    izhmorsky = MunicipalityFactory(name="Ижморский муниципальный район")
    LibraryFactory(full_name="Областная научная библиотека", municipality=kemerovo)
    LibraryFactory(full_name="Детская библиотека", municipality=kemerovo)
    LibraryFactory(
        full_name="Межпоселенческая центральная районная библиотека",
        municipality=izhmorsky,
        member_since=datetime.date(2008, 12, 16),
    )
    LibraryFactory(
        full_name="Вышедшая библиотека",
        left_on=datetime.date(2007, 1, 1),
        member_since=datetime.date(2003, 1, 1),
        municipality=kemerovo,
    )
    LibraryFactory(full_name="Не член партнёрства", member_since=None, municipality=kemerovo)
    response = client.get("/libraries/")
    groups = dict(response.context["groups"])
    assert [lib.full_name for lib in groups[kemerovo]] == [
        "Детская библиотека",
        "Областная научная библиотека",
    ]
    assert len(groups[izhmorsky]) == 1
    assert response.context["library_count"] == 3
    html = response.content.decode()
    assert "Вышедшая библиотека" not in html and "Не член партнёрства" not in html
    assert "(2)" in html and "(1)" in html


def test_breadcrumbs_and_menu_come_from_the_tree(client, site_tree):
    child = StandardPageFactory(parent=site_tree["about"], title="История", slug="history")
    html = client.get(child.url).content.decode()
    (nav,) = lxml.html.fromstring(html).xpath('//nav[@aria-label="Хлебные крошки"]')
    crumbs = [
        (item.text_content().strip(), item.xpath("string(a/@href)"), item.get("aria-current"))
        for item in nav.xpath(".//li")
    ]
    assert crumbs == [
        ("Главная", "/", None),
        ("О партнёрстве", "/about/", None),
        ("История", "", "page"),
    ]
    assert 'href="/about/"' in html and 'aria-current="true"' in html
    assert 'href="/libraries/"' in html


def test_directory_queries_do_not_grow_with_libraries(site_tree, assert_queries_bounded):
    municipalities = [MunicipalityFactory(name=f"Город {n}") for n in range(5)]
    LibraryFactory(municipality=municipalities[0])

    def more_libraries():
        for n in range(40):
            LibraryFactory(municipality=municipalities[n % 5])

    assert_queries_bounded("/libraries/", more_libraries, cap=12)


def test_home_and_standard_page_queries_do_not_grow_with_pages(site_tree, assert_queries_bounded):
    def more_pages(first, featured=0):
        for n in range(first, first + 30):
            page = StandardPageFactory(parent=site_tree["about"], title=f"Новость {n}")
            if n < first + featured:
                HomePageFeatured.objects.create(home=site_tree["home"], page=page)

    # Featured pages cost one query for the list plus one per page type (specific()).
    assert_queries_bounded("/", lambda: more_pages(0, featured=3), cap=18, slack=2)
    assert_queries_bounded("/about/", lambda: more_pages(30), cap=12)


def test_library_index_is_single(site_tree):
    assert LibraryIndexPage.can_create_at(site_tree["home"]) is False
