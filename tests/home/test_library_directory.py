"""The list of member libraries shows each library's photo, read with its rendition for the whole
list at once."""

import lxml.html
import pytest
import wagtail_factories

from tests.factories import LibraryFactory, LibraryIndexPageFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_libraries_show_their_photos_in_a_fixed_number_of_queries(
    home_page, client, assert_queries_bounded
):
    directory = LibraryIndexPageFactory(parent=home_page, slug="libraries")
    town = MunicipalityFactory(name="Кемерово")
    LibraryFactory(full_name="Без фотографии", municipality=town)

    def with_photos(count):
        for n in range(count):
            LibraryFactory(
                full_name=f"Библиотека {n}",
                municipality=town,
                image=wagtail_factories.ImageFactory(title=f"Здание {n}"),
            )

    with_photos(2)
    assert_queries_bounded(directory.url, lambda: with_photos(6), cap=14)
    document = lxml.html.fromstring(client.get(directory.url).content.decode())
    photos = document.xpath('//li[contains(@class, "library")]//img[@class="library__photo"]')
    assert len(photos) == 8
    assert all(photo.get("alt") == "" for photo in photos)  # the name beside it says which
    (plain,) = document.xpath('//li[contains(., "Без фотографии")]')
    assert plain.xpath(".//img") == []
