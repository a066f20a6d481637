"""The anonymous page cache (kuzbib_site.base.page_cache): who is served from it and who never is,
what keys an entry (language, low-vision settings, the URL), and the exact invalidation — a
publish, an unpublish, a snippet edit and a contest stage's boundary each show up on the next
anonymous request of every page that shows them. Run on the local-memory cache of the embedded
default and on Redis (the ``cache_backend`` parameter), on the suite's database.

Changes are made inside ``django_capture_on_commit_callbacks(execute=True)``: the cache is purged
when a transaction commits, which the test's own transaction never does."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from kuzbib_site.base import page_cache, page_cache_purge
from kuzbib_site.base.conf import setting
from tests.factories import LibraryFactory, PersonFactory, StandardPageFactory
from tests.factories.contests import ContestIndexPageFactory, ContestPageFactory, StageFactory
from tests.factories.events import (
    ConferencePageFactory,
    EventIndexPageFactory,
    RegistrationFactory,
    SectionIndexPageFactory,
    SectionPageFactory,
    open_registration,
)

pytestmark = pytest.mark.django_db
HEADER = page_cache.HEADER


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """The page cache turned on, over local memory or a real Redis."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "kuzbib-page-cache-test",
            }
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "PAGE_CACHE": {"ENABLED": True}}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def cached(site_tree, cache_backend):
    """The site tree, built before the cache is turned on (its changes are never committed, so
    nothing would purge for them)."""
    return site_tree


def get(client, url, **extra):
    response = client.get(url, **extra)
    return response, response.content.decode()


def test_an_anonymous_visitor_gets_the_second_visit_from_the_cache(
    client, cached, django_assert_num_queries
):
    first, text = get(client, "/about/")
    assert first.status_code == 200 and first[HEADER] == "miss"
    assert first["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    with django_assert_num_queries(0):
        second, again = get(client, "/about/")
    assert second.status_code == 200 and second[HEADER] == "hit"
    assert again == text and "О партнёрстве" in again
    assert second["Content-Language"] == "ru" and "cookie" in second["Vary"].lower()
    assert "Content-Security-Policy" in second


def test_a_signed_in_user_is_never_served_from_nor_stored_in_the_cache(
    client, cached, django_user_model
):
    get(client, "/about/")
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "x")
    client.force_login(editor)
    response = client.get("/about/")
    assert response.status_code == 200 and HEADER not in response
    client.logout()
    response, _ = get(client, "/about/")
    assert response[HEADER] == "hit"


def test_a_visitor_with_a_session_or_a_message_is_not_served_from_the_cache(client, cached):
    get(client, "/about/")
    client.cookies["sessionid"] = "whatever"
    assert HEADER not in client.get("/about/")
    del client.cookies["sessionid"]
    client.cookies["messages"] = "something"
    assert HEADER not in client.get("/about/")


def test_language_and_low_vision_get_their_own_entries(client, cached):
    russian, text = get(client, "/about/")
    client.cookies["django_language"] = "en"
    english, english_text = get(client, "/about/")
    assert english[HEADER] == "miss" and '<html lang="en"' in english_text
    assert get(client, "/about/")[0][HEADER] == "hit"
    client.cookies[setting("LOW_VISION_COOKIE")] = "1.size-3"
    low_vision, low_text = get(client, "/about/")
    assert low_vision[HEADER] == "miss" and "lv-size-3" in low_text
    del client.cookies[setting("LOW_VISION_COOKIE")]
    client.cookies["django_language"] = "ru"
    back, back_text = get(client, "/about/")
    assert back[HEADER] == "hit" and back_text == text and '<html lang="ru"' in text


def test_a_hostile_cookie_shares_the_entry_of_no_choice(client, cached):
    get(client, "/about/")
    client.cookies["django_language"] = "<script>"
    client.cookies[setting("LOW_VISION_COOKIE")] = "1.scheme-<script>" + "x" * 3000
    response = client.get("/about/")
    # A hostile low-vision cookie means the version's defaults: an entry of its own, not an error.
    assert response.status_code == 200 and response[HEADER] in ("hit", "miss")


def test_pages_with_a_form_private_links_and_errors_are_never_stored(client, cached, home_page):
    index = EventIndexPageFactory(parent=home_page, slug="events")
    conference = ConferencePageFactory(parent=index, slug="conf")
    open_registration(conference)
    for url in (
        f"{conference.url}register/",
        "/no-such-page/",
        f"{conference.url}registration/x" * 2,
    ):
        for _attempt in range(2):
            response = client.get(url)
            assert response.get(HEADER) != "hit", url
    form = client.get(f"{conference.url}register/")
    assert form.status_code == 200 and form[HEADER] == "bypass"
    assert "csrfmiddlewaretoken" in form.content.decode()
    # The search is not a page: never cached, whatever it finds.
    assert HEADER not in client.get("/search/?q=партнёрство")


def test_a_very_long_url_is_not_cached(client, cached):
    url = "/about/?" + "q=" + "x" * 2000
    client.get(url)
    assert HEADER not in client.get(url)


def test_a_publish_shows_on_the_page_below_it_its_parent_and_the_home_page(
    client, cached, django_capture_on_commit_callbacks
):
    about = cached["about"]
    child = StandardPageFactory(parent=about, title="Устав", slug="charter")
    StandardPageFactory(parent=child, title="Приложение", slug="annex")
    urls = ["/about/charter/", "/about/charter/annex/", "/about/", "/", "/libraries/"]
    for url in urls:
        get(client, url)
        assert client.get(url)[HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        child.title = "Устав партнёрства (новая редакция)"
        child.save_revision().publish()

    # The page and the one below it (its breadcrumbs) show the new title.
    for url in ["/about/charter/", "/about/charter/annex/"]:
        response, text = get(client, url)
        assert response[HEADER] == "miss" and "новая редакция" in text, url
    # The parent and the home page are rendered again too (they may list the child).
    for url in ["/about/", "/"]:
        assert client.get(url)[HEADER] == "miss", url
    # A page elsewhere in the tree keeps its entry.
    assert client.get("/libraries/")[HEADER] == "hit"


def test_a_page_of_the_main_menu_shows_on_every_page(
    client, cached, django_capture_on_commit_callbacks
):
    for url in ["/", "/libraries/"]:
        get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        cached["about"].title = "О нас"
        cached["about"].save_revision().publish()
    for url in ["/", "/libraries/"]:
        response, text = get(client, url)
        assert response[HEADER] == "miss" and ">О нас<" in text, url


def test_an_unpublish_removes_the_page_at_once(client, cached, django_capture_on_commit_callbacks):
    about = cached["about"]
    get(client, "/about/")
    get(client, "/")
    assert client.get("/about/")[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        about.unpublish()
    assert client.get("/about/").status_code == 404
    home, text = get(client, "/")
    assert home[HEADER] == "miss" and 'href="/about/"' not in text


def test_a_move_and_a_delete_show_at_once(client, cached, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        child = StandardPageFactory(parent=cached["about"], title="Устав", slug="charter")
    for url in ("/about/charter/", "/about/", "/libraries/"):
        get(client, url)
        assert client.get(url)[HEADER] == "hit", url
    with django_capture_on_commit_callbacks(execute=True):
        child.move(cached["directory"], pos="last-child")
    # Not the old page from the cache: Wagtail's redirect to its new place.
    old = client.get("/about/charter/")
    assert old.status_code == 301 and old["Location"].endswith("/libraries/charter/")
    moved, text = get(client, "/libraries/charter/")
    assert moved.status_code == 200 and "Устав" in text
    assert client.get("/libraries/")[HEADER] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        child.refresh_from_db()
        child.delete()
    assert client.get("/libraries/charter/").status_code == 404
    assert client.get("/about/")[HEADER] == "miss"


def test_a_snippet_edit_shows_on_the_pages_that_use_it(
    client, cached, django_capture_on_commit_callbacks
):
    library = LibraryFactory(full_name="Библиотека имени Прежнего")
    response, text = get(client, "/libraries/")
    assert "Библиотека имени Прежнего" in text
    assert client.get("/libraries/")[HEADER] == "hit"
    get(client, "/about/")
    with django_capture_on_commit_callbacks(execute=True):
        library.full_name = "Библиотека имени Нового"
        library.save()
    response, text = get(client, "/libraries/")
    assert response[HEADER] == "miss"
    assert "Библиотека имени Нового" in text and "Прежнего" not in text
    # A page that does not show libraries keeps its entry.
    assert client.get("/about/")[HEADER] == "hit"


def test_a_person_edit_shows_on_the_section_its_index_and_the_home_page(
    client, cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # committed before the visits
        leader = PersonFactory(last_name="Прежнева")
        sections = SectionIndexPageFactory(parent=cached["home"])
        section = SectionPageFactory(parent=sections, slug="local-history", leader=leader)
        section.save_revision().publish()
    urls = [section.url, sections.url, "/"]
    for url in urls:
        assert "Прежнева" in get(client, url)[1], url
        assert client.get(url)[HEADER] == "hit"
    get(client, "/libraries/")
    with django_capture_on_commit_callbacks(execute=True):
        leader.last_name = "Новикова"
        leader.save()
    for url in urls:
        response, text = get(client, url)
        assert response[HEADER] == "miss" and "Новикова" in text and "Прежнева" not in text, url
    assert client.get("/libraries/")[HEADER] == "hit"


def test_a_registration_leaves_the_conference_pages_cached(
    client, cached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        index = EventIndexPageFactory(parent=cached["home"], slug="events")
        conference = ConferencePageFactory(parent=index, slug="conf")
    urls = [conference.url, f"{conference.url}programme/", index.url, "/"]
    for url in urls:
        get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        registration = RegistrationFactory(conference=conference)
        registration.checked_in_at = timezone.now()
        registration.save()
    # No public page shows registrations: a morning of check-ins keeps the programme cached.
    for url in urls:
        assert client.get(url)[HEADER] == "hit", url


def test_a_contest_stage_boundary_ends_the_entry(client, cached, home_page):
    index = ContestIndexPageFactory(parent=home_page, slug="contests")
    now = timezone.now()
    contest = ContestPageFactory(parent=index, slug="kniginya")
    contest.stages.all().delete()
    StageFactory(
        contest=contest,
        kind="submissions",
        start=now - datetime.timedelta(days=3),
        end=now + datetime.timedelta(seconds=3),
    )
    cache.delete(page_cache.BOUNDARY_KEY)
    for url in (index.url, "/"):
        get(client, url)
    response, text = get(client, contest.url)
    assert response[HEADER] == "miss"
    assert client.get(contest.url)[HEADER] == "hit"
    assert page_cache.next_boundary() <= now + datetime.timedelta(seconds=3)
    time.sleep(max(0.0, (now + datetime.timedelta(seconds=3.2) - timezone.now()).total_seconds()))
    later, later_text = get(client, contest.url)
    assert later[HEADER] == "miss" and later_text != text
    assert contest.submission_stage() is None
    # Every page was kept until the boundary at most: the index and the home page are new too.
    for url in (index.url, "/"):
        assert client.get(url)[HEADER] == "miss", url


def test_bulk_work_purges_everything_once_at_its_end(
    client, cached, django_capture_on_commit_callbacks
):
    for url in ("/", "/about/", "/libraries/"):
        get(client, url)
    with django_capture_on_commit_callbacks(execute=True), page_cache_purge.bulk():
        LibraryFactory(full_name="Библиотека, добавленная импортом")
    # Everything, /about/ too (a library's edit alone leaves it cached).
    for url in ("/", "/about/", "/libraries/"):
        assert client.get(url)[HEADER] == "miss", url
    assert "добавленная импортом" in get(client, "/libraries/")[1]
