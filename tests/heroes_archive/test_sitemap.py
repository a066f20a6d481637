"""The site's sitemap.xml (Wagtail's ``wagtail.contrib.sitemaps``) lists the live public hero
pages with the date of their last publication, so that search engines index the archive, and
reads them in a number of queries that does not grow with the heroes."""

import datetime

import pytest
from django.utils import timezone
from lxml import etree
from wagtail.models import PageViewRestriction

from heroes_archive.models import HeroPage
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    return {url.findtext("s:loc", namespaces=NS): url for url in root.iterfind("s:url", NS)}


def test_hero_pages_are_listed_with_their_last_publication(client, archive):
    miner = HeroPageFactory(parent=archive, identifier="GST-00001")
    miner.save_revision().publish()
    miner.refresh_from_db()
    steelworker = HeroPageFactory(parent=archive, identifier="GST-00002")
    HeroPage.objects.filter(pk=steelworker.pk).update(
        last_published_at=datetime.datetime(2024, 2, 1, 12, tzinfo=datetime.UTC)
    )
    HeroPageFactory(parent=archive, identifier="GST-00003", live=False)
    private = HeroIndexPageFactory(parent=archive.get_parent(), slug="zakrytye")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    HeroPageFactory(parent=private, identifier="GST-00004")

    urls = sitemap(client)
    assert "http://localhost/geroi/" in urls
    heroes = {loc for loc in urls if loc.startswith("http://localhost/geroi/gst-")}
    # The draft and the hero behind a password are not offered to search engines.
    assert heroes == {"http://localhost/geroi/gst-00001/", "http://localhost/geroi/gst-00002/"}
    assert not any("zakrytye" in loc for loc in urls)
    lastmod = urls["http://localhost/geroi/gst-00001/"].findtext("s:lastmod", namespaces=NS)
    assert lastmod == timezone.localdate(miner.last_published_at).isoformat()
    lastmod = urls["http://localhost/geroi/gst-00002/"].findtext("s:lastmod", namespaces=NS)
    assert lastmod == "2024-02-01"


def test_the_sitemap_does_not_read_each_hero_on_its_own(client, archive, assert_queries_bounded):
    for _ in range(5):
        HeroPageFactory(parent=archive)

    def add():
        for _ in range(20):
            HeroPageFactory(parent=archive)

    assert_queries_bounded("/sitemap.xml", add, cap=8)
    assert len(sitemap(client)) == 2 + 25  # home, archive, heroes
