"""The site's language (kuzbib_site.base.middleware.SiteLanguageMiddleware): Russian unless the
visitor chose English with the site's switch (its cookie), whatever the browser's Accept-Language;
``<html lang>`` says the language the page is in, on pages, the 404, the search, the refusal of an
oversized request; a hostile cookie means Russian, never a 500; the Wagtail admin keeps each
editor's own language."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.users.models import UserProfile

from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def html_lang(response):
    """The ``lang`` of the page's root element."""
    found = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", response.content.decode())
    assert found, response.content.decode()[:300]
    return found.group(1)


def in_english(msgid):
    with translation.override("en"):
        return translation.gettext(msgid)


def choose(client, language):
    """What the header's switch does: a link to our language view, which sets the cookie and
    returns to the page."""
    response = client.get("/language/", {"lang": language, "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def test_an_english_browser_gets_the_russian_site(client, site_tree):
    response = client.get("/about/", **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert html_lang(response) == "ru"
    assert response["Content-Language"] == "ru"
    assert in_site_language("Skip to content") in response.content.decode()
    # The page does not depend on Accept-Language, only on the cookie: caches must know that.
    vary = [value.strip().lower() for value in response["Vary"].split(",")]
    assert "cookie" in vary and "accept-language" not in vary


def test_the_switch_chooses_english_and_back(client, site_tree):
    choose(client, "en")
    response = client.get("/about/")  # no Accept-Language at all
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert in_english("Skip to content") in response.content.decode()
    assert in_site_language("Skip to content") not in response.content.decode()
    choose(client, "ru")
    response = client.get("/about/", **ENGLISH_BROWSER)
    assert html_lang(response) == "ru"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "de",
        "xx",
        "EN",
        "en-GB",
        "en ",
        "EN\x00",
        "../../etc/passwd",
        "ru;en",
        "*",
        "en" + "-a" * 400,
        "x" * 5000,
        "<script>alert(1)</script>",
        "zh-hans",
        # A right-to-left mark before «en», as the bytes of UTF-8 reach a WSGI server.
        "\u202een".encode().decode("latin-1"),
    ],
)
def test_a_hostile_or_unknown_cookie_means_russian(client, site_tree, value):
    # The switch sets exactly "ru" or "en"; anything else is no choice.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = value
    response = client.get("/about/", **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert html_lang(response) == "ru"
    assert in_site_language("Skip to content") in response.content.decode()


def test_the_404_speaks_the_chosen_language(client, site_tree):
    response = client.get("/no-such-page/", **ENGLISH_BROWSER)
    assert response.status_code == 404
    assert html_lang(response) == "ru"
    assert in_site_language("Page not found") in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert html_lang(response) == "en"
    assert in_english("Page not found") in response.content.decode()


def test_the_search_page_speaks_the_chosen_language(client, site_tree):
    response = client.get("/search/", {"q": "шахтёр"}, **ENGLISH_BROWSER)
    assert html_lang(response) == "ru"
    assert in_site_language("Search the site") in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/search/", {"q": "шахтёр"})
    assert html_lang(response) == "en"
    assert in_english("Search the site") in response.content.decode()


def test_an_oversized_request_is_refused_in_the_chosen_language(client, db, settings):
    # The refusal comes before the language middleware runs: it reads the choice itself.
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "MAX_REQUEST_BYTES": 1024}
    body = b"x" * 2048
    response = client.post("/search/", body, content_type="text/plain", **ENGLISH_BROWSER)
    assert response.status_code == 413
    assert html_lang(response) == "ru"
    assert in_site_language("The request is too large") in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/search/", body, content_type="text/plain")
    assert response.status_code == 413
    assert html_lang(response) == "en"
    assert in_english("The request is too large") in response.content.decode()


@pytest.fixture
def editor(client, django_user_model, site_tree):
    user = django_user_model.objects.create_superuser("editor", password="x")
    client.force_login(user)
    return user


def admin_language(client, **headers):
    response = client.get("/admin/", **headers)
    assert response.status_code == 200
    return html_lang(response)


def test_the_admin_follows_the_editors_own_language(client, editor):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    assert admin_language(client) == "en"  # the site's Russian does not override it
    profile.preferred_language = "ru"
    profile.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert admin_language(client) == "ru"  # nor does the public site's switch


def test_an_editor_without_a_preference_gets_the_sites_language(client, editor):
    assert admin_language(client, **ENGLISH_BROWSER) == "ru"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert admin_language(client) == "en"
