"""The low-vision version's settings (kuzbib_site.base.low_vision), its switch view and its panel:
every choice of every setting through the view and back from the cookie, hostile cookies and
parameters (defaults, never an error), the ``next`` parameter kept on the site, and the panel's
links stating the current choices."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.encoding import iri_to_uri

from kuzbib_site.base.conf import setting
from kuzbib_site.base.context_processors import low_vision as low_vision_context
from kuzbib_site.base.low_vision import SETTINGS, LowVision

COOKIE = setting("LOW_VISION_COOKIE")
EVERY_CHOICE = [(item.name, value) for item in SETTINGS for value, _label in item.choices]
DEFAULT_CLASSES = "low-vision lv-size-1 lv-scheme-bw lv-spacing-normal lv-images-off"
HOSTILE_COOKIES = [
    "0",
    "yes",
    "1.size-9",
    "1.size-",
    "1.-3",
    "1.scheme-red.spacing-huge.images-maybe",
    '1.scheme-bw" onload="alert(1)',
    "1.scheme-<script>",
    "1.size-3" + ".x" * 100,
    "1.size-1e3",
    "1.SIZE-3",
    "1..",
    "\x00\x01",
    "1.size-٣",  # an Arabic-Indic three is a digit to str.isdigit, not a size
    "1.spacing-wide-wide",
]


def switch(client, **params):
    return client.get("/low-vision/", {"next": "/about/", **params})


def cookie_of(client):
    morsel = client.cookies.get(COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


# --- The settings and their cookie ------------------------------------------------------------


def test_no_cookie_is_the_standard_version():
    version = LowVision.from_cookie("")
    assert not version
    assert version.html_classes == ""
    assert not version.images_off


def test_the_header_switchs_cookie_is_on_with_every_default():
    version = LowVision.from_cookie("1")
    assert version
    assert version.html_classes == DEFAULT_CLASSES
    assert version.images_off
    assert version.cookie_value == "1"


@pytest.mark.parametrize(("name", "value"), EVERY_CHOICE)
def test_every_choice_survives_the_cookie(name, value):
    chosen = LowVision(on=True).changed({name: value})
    read = LowVision.from_cookie(chosen.cookie_value)

    assert getattr(read, name) == value
    assert read == chosen
    assert f"lv-{name}-{value}" in read.html_classes.split()
    # Only what differs from the defaults is written.
    default = next(item.default for item in SETTINGS if item.name == name)
    assert chosen.cookie_value == ("1" if value == default else f"1.{name}-{value}")


def test_all_settings_at_once_make_a_compact_cookie():
    chosen = LowVision(on=True).changed(
        {"size": "3", "scheme": "beige", "spacing": "extra", "images": "on"}
    )
    assert chosen.cookie_value == "1.size-3.scheme-beige.spacing-extra.images-on"
    assert LowVision.from_cookie(chosen.cookie_value).html_classes == (
        "low-vision lv-size-3 lv-scheme-beige lv-spacing-extra lv-images-on"
    )
    assert not chosen.images_off


@pytest.mark.parametrize("value", HOSTILE_COOKIES)
def test_a_hostile_cookie_falls_back_to_the_defaults(value):
    version = LowVision.from_cookie(value)

    assert version
    assert version.html_classes == DEFAULT_CLASSES


def test_a_cookie_keeps_its_valid_settings_beside_broken_ones():
    version = LowVision.from_cookie("1.size-2.scheme-red.junk.spacing-wide")
    assert (version.size, version.scheme, version.spacing) == ("2", "bw", "wide")


def test_unknown_settings_are_not_applied():
    version = LowVision(on=True).changed({"on": "", "next_path": "//evil", "size": ["3"]})
    assert version == LowVision(on=True)


# --- The switch view --------------------------------------------------------------------------


def test_the_header_switch_turns_the_version_on_and_off(client):
    response = switch(client, mode="on")
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert cookie_of(client) == "1"

    response = switch(client, mode="off")
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert cookie_of(client) is None
    assert response.cookies[COOKIE]["max-age"] == 0


@pytest.mark.parametrize(("name", "value"), EVERY_CHOICE)
def test_every_choice_through_the_view(client, name, value):
    response = switch(client, **{name: value})

    assert response.status_code == 302 and response["Location"] == "/about/"
    version = LowVision.from_cookie(cookie_of(client))
    assert version and getattr(version, name) == value
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    assert response.cookies[COOKIE]["max-age"] == 365 * 24 * 3600


def test_a_choice_keeps_the_other_settings(client):
    switch(client, size="3")
    switch(client, scheme="wb")
    switch(client, spacing="extra")
    switch(client, images="on")
    switch(client, mode="on")  # the header's switch changes nothing of them

    assert cookie_of(client) == "1.size-3.scheme-wb.spacing-extra.images-on"

    switch(client, size="1")
    assert cookie_of(client) == "1.scheme-wb.spacing-extra.images-on"


@pytest.mark.parametrize(
    "params",
    [
        {"size": "4"},
        {"size": ""},
        {"scheme": "red"},
        {"scheme": "wb\r\nSet-Cookie: x=1"},
        {"spacing": "1" * 5000},
        {"images": "<script>"},
        {"mode": "\x00"},
        {"colour": "wb"},
    ],
)
def test_a_hostile_parameter_leaves_the_settings_as_they_were(client, params):
    switch(client, size="2")

    response = switch(client, **params)

    assert response.status_code == 302 and response["Location"] == "/about/"
    assert cookie_of(client) == "1.size-2"


def test_a_hostile_cookie_is_replaced_by_a_clean_one(client):
    client.cookies[COOKIE] = '1.scheme-"><script>'
    switch(client, scheme="blue")
    assert cookie_of(client) == "1.scheme-blue"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "/about/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "",
        "\x00",
    ],
)
def test_next_never_leaves_the_site(client, target):
    for params in ({"mode": "on"}, {"scheme": "wb"}, {"mode": "off"}):
        response = client.get("/low-vision/", {**params, "next": target})
        assert response.status_code == 302
        assert response["Location"] == "/"


def test_next_keeps_the_page_and_its_query(client):
    response = client.get("/low-vision/", {"size": "2", "next": "/search/?q=шахтёр&page=2"})
    assert response["Location"] == iri_to_uri("/search/?q=шахтёр&page=2")


def test_the_switch_only_answers_get(client):
    assert client.post("/low-vision/", {"mode": "on"}).status_code == 405
    assert cookie_of(client) is None


# --- The context and the panel ----------------------------------------------------------------


def context_for(path, cookie=None, query=None):
    request = RequestFactory().get(path, query)
    if cookie is not None:
        request.COOKIES[COOKIE] = cookie
    return low_vision_context(request)["low_vision"]


def test_the_context_reads_the_cookie_and_the_page():
    assert not context_for("/about/")
    version = context_for("/search/", "1.scheme-wb", {"q": "шахтёр"})
    assert version.scheme == "wb"
    assert version.next_path == iri_to_uri("/search/?q=шахтёр")


def panel_links(html):
    """The panel's links as (href query, aria-current) pairs, in order."""
    links = re.findall(
        r'<a class="lv-choice[^"]*" href="([^"]+)" rel="nofollow"( aria-current="true")?', html
    )
    return [
        (parse_qs(urlsplit(href.replace("&amp;", "&")).query), bool(current))
        for href, current in links
    ]


@pytest.mark.parametrize("cookie", ["1", "1.size-3.scheme-blue.spacing-wide.images-on"])
def test_the_panel_marks_the_current_choices(cookie):
    version = context_for("/about/?page=2", cookie)
    html = render_to_string("base/includes/low_vision_panel.html", {"low_vision": version})

    links = panel_links(html)
    # Every choice of every setting and the way back to the standard version.
    assert len(links) == len(EVERY_CHOICE) + 1
    for (query, current), (name, value) in zip(links, EVERY_CHOICE, strict=False):
        assert query == {name: [value], "next": ["/about/?page=2"]}
        assert current == (getattr(version, name) == value)
    off, off_current = links[-1]
    assert off == {"mode": ["off"], "next": ["/about/?page=2"]}
    assert not off_current
    # Each setting is a labelled group.
    assert html.count('role="group"') == len(SETTINGS)
    for item in SETTINGS:
        assert f'aria-labelledby="lv-panel-{item.name}"' in html
        assert f'id="lv-panel-{item.name}"' in html
