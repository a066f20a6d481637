"""The dynasty page's tree is drawn once per published revision and kept in the cache: a newly
published revision is drawn at once, and a preview never reads or fills the cache."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from dynasties.browse import dynasty_context, tree_cache_key
from dynasties.models import DynastyPage, Member
from tests.factories.dynasties import DynastyPageFactory

pytestmark = pytest.mark.django_db


def svg_of(response):
    html = response.content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="family-tree__svg"')
    return html[start : html.index("</svg>", start) + len("</svg>")]


@pytest.fixture
def published(festival):
    page = DynastyPageFactory(parent=festival)
    page.save_revision().publish()
    return DynastyPage.objects.get(pk=page.pk)


def test_the_drawn_tree_is_kept_for_its_revision(client, published):
    first = svg_of(client.get(published.url))
    kept = cache.get(tree_cache_key(published))
    assert kept is not None and str(kept.svg) == first
    assert svg_of(client.get(published.url)) == first


def test_a_published_change_is_drawn_at_once(client, published):
    assert "Трофим" not in svg_of(client.get(published.url))

    published.members.add(Member(number=5, last_name="Иванов", first_name="Трофим", sex="m"))
    published.save_revision().publish()

    assert "Трофим" in svg_of(client.get(published.url))


def test_a_preview_draws_its_own_tree_and_leaves_the_cache_alone(published):
    cache.clear()
    published.members.add(Member(number=5, last_name="Иванов", first_name="Трофим", sex="m"))
    request = RequestFactory().get(published.url)
    request.is_preview = True

    context = dynasty_context(request, published)

    assert "Трофим" in str(context["tree"].svg)
    assert cache.get(tree_cache_key(published)) is None
