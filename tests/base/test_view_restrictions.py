"""Page view restrictions are read once per request (``kuzbib_site.base.restrictions``): Wagtail's
check of the served page, the menus, the home page's blocks and the search read the same list.
Restricted pages still never reach those who may not see them: not in the menu, not on the home
page, not served — from the anonymous side and the logged-in side, for each kind of restriction
(password, login, groups)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db

#: A query of the restrictions themselves (not of their groups, ``..._groups``).
RESTRICTIONS_QUERY = re.compile(r'FROM "wagtailcore_pageviewrestriction"(?!_)')


def restriction_queries(client, url):
    """The number of queries of the restrictions while ``client`` GETs ``url`` (200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return sum(bool(RESTRICTIONS_QUERY.search(q["sql"])) for q in captured.captured_queries)


def restrict(page, kind, *, password="", groups=()):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password=password
    )
    restriction.groups.set(groups)
    return restriction


@pytest.fixture
def private_pages(conference_tree):
    """A page in the menu and on the home page for each kind of restriction, each with a child
    page (the restriction covers it too)."""
    home = conference_tree["home"]
    readers = Group.objects.create(name="Читатели")
    pages = {}
    for kind, extra in (
        (PageViewRestriction.PASSWORD, {"password": "шахта"}),
        (PageViewRestriction.LOGIN, {}),
        (PageViewRestriction.GROUPS, {"groups": [readers]}),
    ):
        page = StandardPageFactory(
            parent=home, title=f"Закрытая {kind}", slug=f"private-{kind}", show_in_menus=True
        )
        child = StandardPageFactory(parent=page, title=f"Вложенная {kind}", slug="inside")
        pages[kind] = {"page": page, "child": child, "restriction": restrict(page, kind, **extra)}
    return {"readers": readers, **pages}


@pytest.mark.parametrize("restricted", [False, True], ids=["none restricted", "some restricted"])
def test_restrictions_are_read_once_per_request(conference_tree, client, restricted, request):
    if restricted:
        request.getfixturevalue("private_pages")
    urls = [
        "/",
        conference_tree["events"].url,
        conference_tree["events"].url + "?when=past",
        conference_tree["conference"].url,
        conference_tree["sessions"][0].url,
        conference_tree["sections"].url,
    ]
    for url in urls:
        client.get(url)  # the site's root paths and the like, cached by the first request
        assert restriction_queries(client, url) == 1, url


def test_search_reads_restrictions_once(conference_tree, client):
    assert restriction_queries(client, "/search/?q=сессия") == 1


def test_anonymous_visitors_never_see_restricted_pages(private_pages, client):
    home_html = client.get("/").content.decode()
    assert "/private-" not in home_html and "Закрытая" not in home_html
    for kind in (PageViewRestriction.LOGIN, PageViewRestriction.GROUPS):
        for page in (private_pages[kind]["page"], private_pages[kind]["child"]):
            response = client.get(page.url)
            assert response.status_code == 302
            assert f"next={page.url}" in response["Location"]
            assert "no-cache" in response["Cache-Control"]
    for page in (private_pages["password"]["page"], private_pages["password"]["child"]):
        response = client.get(page.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="password"' in html and "Вложенная" not in html
        assert "no-cache" in response["Cache-Control"]


def test_the_password_opens_its_pages(private_pages, client):
    restriction = private_pages["password"]["restriction"]
    page, child = private_pages["password"]["page"], private_pages["password"]["child"]
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    client.post(url, {"password": "шахта", "return_url": page.url})
    for opened in (page, child):
        response = client.get(opened.url)
        assert response.status_code == 200
        assert opened.title in response.content.decode()
        # Served, but never from a shared cache.
        assert "no-cache" in response["Cache-Control"]
    # Still off the menu and the home page, as Wagtail's public() would have it.
    assert "Закрытая" not in client.get("/").content.decode()


def test_logged_in_visitors_see_what_their_groups_allow(private_pages, client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-123456789")
    client.force_login(user)
    login_child = private_pages["login"]["child"]
    assert client.get(login_child.url).status_code == 200
    groups_page = private_pages["groups"]["page"]
    assert client.get(groups_page.url).status_code == 302  # not in the group
    assert 'name="password"' in client.get(private_pages["password"]["page"].url).content.decode()
    user.groups.add(private_pages["readers"])
    response = client.get(groups_page.url)
    assert response.status_code == 200 and groups_page.title in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert "Закрытая" not in client.get("/").content.decode()


def test_a_superuser_passes_a_groups_restriction(private_pages, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-1234567"))
    assert client.get(private_pages["groups"]["child"].url).status_code == 200


def test_an_alias_is_as_private_as_its_source(private_pages, conference_tree, client):
    source = private_pages["login"]["page"]
    alias = source.create_alias(parent=conference_tree["sections"], update_slug="alias-of-private")
    response = client.get(alias.url)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_public_pages_stay_public(private_pages, conference_tree, client):
    response = client.get(conference_tree["conference"].url)
    assert response.status_code == 200
    assert "no-cache" not in response.get("Cache-Control", "")
    menu = client.get("/").content.decode()
    assert conference_tree["events"].title in menu


def test_private_events_stay_off_the_calendar(conference_tree, client):
    events = conference_tree["events"]
    title = conference_tree["conference"].title
    assert (
        title
        in client.get(events.url + "?when=past").content.decode()
        + client.get(events.url).content.decode()
    )
    restrict(conference_tree["conference"], PageViewRestriction.LOGIN)
    for url in (events.url, events.url + "?when=past", events.url + "ics/"):
        response = client.get(url)
        assert response.status_code == 200
        assert title not in response.content.decode(), url


def test_a_private_session_stays_off_its_conference(conference_tree, client):
    private, public = conference_tree["sessions"]
    restrict(private, PageViewRestriction.GROUPS, groups=[Group.objects.create(name="Жюри")])
    html = client.get(conference_tree["conference"].url).content.decode()
    assert public.title in html
    assert private.title not in html


def test_a_private_conference_lists_its_sessions_to_those_who_may_see_it(
    conference_tree, client, django_user_model
):
    conference = conference_tree["conference"]
    restrict(conference, PageViewRestriction.LOGIN)
    assert client.get(conference.url).status_code == 302
    client.force_login(django_user_model.objects.create_user("member", password="pw-12345678"))
    html = client.get(conference.url).content.decode()
    for session in conference_tree["sessions"]:
        assert session.title in html
    assert conference_tree["resolution"].title in html
