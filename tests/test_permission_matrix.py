"""The permission matrix: every route the URL resolver knows (Wagtail's admin, snippets, our own
admin views, documents, public views, the CSV/XLSX exports of the listings of personal data)
and every subroute of our routable pages, requested with
GET as five roles, checking who gets 200 and that nobody without the right sees another
person's personal data.

Routes are found by walking ``get_resolver()`` and ``RoutablePageMixin.get_subpage_urls()``, so a
new route joins by itself: ``test_every_route_is_classified_and_filled`` fails until it has an
entry in ``EXPECTED`` (our routes, by URL name) or belongs to a Wagtail namespace in
``WAGTAIL_OWN`` (both in tests/permission_matrix/routes.py), and until each of its arguments can
be filled by ``fill()``. Each role's run takes seconds: the world (tests/permission_matrix/
world.py) is built once for the module.

The people: «Маркерова» (``leak-marker@example.org``) registered, proposed a report to a section
the leader does not lead and entered the contest; her name and e-mail are the markers that no
response to the anonymous visitor, the participant or the section leader may contain. The
participant «Участникова» has her own registration, proposal and entry and requests their
private links (a forged token gets 404 for everyone).
"""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, get_page_models

from tests.permission_matrix.routes import (
    ADMIN_ONLY,
    ADMIN_ONLY_NAMESPACES,
    ANON,
    EDITOR,
    EXPECTED,
    EXPORTS,
    FAILS_ON_PURPOSE,
    MARKERS,
    MAY_SEE_PERSONAL_DATA,
    NOBODY,
    OUR_PERSONAL_NAMESPACES,
    PARTICIPANT,
    ROLES,
    SPECIAL_URLS,
    STAFF,
    UNNAMED,
    WAGTAIL_OWN,
    classify,
)
from tests.permission_matrix.world import build_world

pytestmark = pytest.mark.slow  # every route as five roles


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Everything once for the module, in a transaction rolled back at its end; each test runs
    in a savepoint inside it."""
    media = tmp_path_factory.mktemp("matrix-private")
    with (
        override_settings(PRIVATE_MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = build_world(media)
        world["plan"], world["problems"] = plan(world)
        yield world
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def private_media(settings, world):
    """The module's private files, instead of each test's own folder (conftest)."""
    settings.PRIVATE_MEDIA_ROOT = world["media"]
    return world["media"]


# --- The walk ----------------------------------------------------------------------------------


def walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>[^)]*\)")


def fill(world, name, argument):
    """The value of ``argument`` in the route ``name``, from the world's objects; None if
    there is no rule for it (the route must then get one)."""
    by_route = {
        ("events_admin:proposal_decide", "pk"): world["proposal"].pk,
        ("events_admin:proposal_file", "pk"): world["proposal"].pk,
        ("contests_entry_file", "pk"): world["entry_file"].pk,
        ("contests_entry_preview", "pk"): world["entry_file"].pk,
        ("contests_archive_download", "pk"): world["archive"].pk,
        ("wagtailsnippets_events_registration:action", "action"): "cancel",
    }
    if (name, argument) in by_route:
        return by_route[(name, argument)]
    namespace = name.rpartition(":")[0]
    for model in ("registration", "proposal", "entry"):
        if namespace.endswith(f"_{model}") and argument == "pk":
            return world[model].pk
    if name.startswith(("contests_entry_", "wagtailsnippets_contests_entry")) and argument == "pk":
        return world["entry"].pk
    if namespace in ADMIN_ONLY_NAMESPACES and argument == "pk":
        return 1
    generic = {
        "page_id": world["conference"].pk,
        "parent_page_id": world["conference"].pk,
        "page_to_move_id": world["session"].pk,
        "destination_id": world["conference"].pk,
        "page_pk": world["conference"].pk,
        "registration_id": world["registration"].pk,
        "contest_id": world["contest"].pk,
        # Wagtail's generic views taking a model are probed with a model of personal data.
        "app_label": "events",
        "app_name": "events",
        "content_type_app_name": "events",
        "model_name": "registration",
        "content_type_model_name": "registration",
        "object_id": world["registration"].pk,
        "action_name": "delete",
        "action": "delete",
        "filter_spec": "original",
        "uidb64": "MQ",
        "token": "set-password",
    }
    if argument in generic:
        return generic[argument]
    if WAGTAIL_OWN.search(name or "") and argument.endswith(("id", "pk", "_a", "_b")):
        return world["registration"].pk  # any id: a Wagtail object of that id or a 404
    if WAGTAIL_OWN.search(name or "") and argument == "pk":
        return world["registration"].pk
    return None


def plan(world):
    """(key, url, expected) for every route, and the problems: routes without an expectation
    or an argument without a value."""
    rows, problems = [], []
    for route, name in walk(get_resolver()):
        if name is None:
            if route not in UNNAMED:
                problems.append(f"unnamed route {route!r}: add it to UNNAMED")
            else:
                rows.append((route, "/" + route.replace("^.*/$", "no-such-view/"), UNNAMED[route]))
            continue
        if name == "wagtail_serve":
            rows += pages(world)
            continue
        expected = classify(name)  # None: reported by the first test, still requested
        if name in SPECIAL_URLS:
            url, missing = SPECIAL_URLS[name](world), []
        else:
            url, missing = build_url(world, route, name)
        if missing or "(" in url:
            problems.append(f"route {name} ({route}): no value for {missing or url} in fill()")
            continue
        # Unclassified but filled: still requested, so that the personal-data check covers it.
        rows.append((name, url, expected))
        if name.endswith(":list") and name.rpartition(":")[0] in OUR_PERSONAL_NAMESPACES:
            # The listing's CSV and XLSX exports: the same rows, the same rule.
            rows += [
                (f"{name} (export {kind})", f"{url}?export={kind}", expected) for kind in EXPORTS
            ]
    return rows, problems


def build_url(world, route, name):
    missing = []

    def value(match):
        argument = match.group("name") or match.group("regex_name")
        filled = fill(world, name, argument)
        if filled is None:
            missing.append(argument)
            return ""
        return str(filled)

    path = ARGUMENT.sub(value, route)
    # The few regex routes: drop the anchors and optional groups left around filled values.
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path, missing


def pages(world):
    """Every live page, and each routable page's subroutes with our own private links."""
    rows = []
    tokens = world["tokens"]
    routable = {model for model in get_page_models() if issubclass(model, RoutablePageMixin)}
    for page in Page.objects.live().specific().order_by("path"):
        if page.depth < 2:
            continue
        rows.append(("page", page.url, EXPECTED["page"]))
        if type(page) not in routable:
            continue
        for pattern in type(page).get_subpage_urls():
            key = f"{type(page).__name__}:{pattern.name}"
            subpath = str(pattern.pattern)
            if "<str:token>" in subpath:
                # The participant's own link: registration_*, proposal_*, entry_*.
                token = tokens.get(pattern.name.split("_")[0])
                if token is None:
                    rows.append((key, None, None))
                    continue
                url = page.url + subpath.replace("<str:token>", token)
                rows.append((key, url, EXPECTED.get(key)))
                forged = page.url + subpath.replace("<str:token>", "forged-" + "x" * 30)
                rows.append((key + " (forged token)", forged, NOBODY))
            elif "<" in subpath:
                rows.append((key, None, None))  # an argument fill() does not know
            else:
                rows.append((key, page.url + subpath, EXPECTED.get(key)))
    return rows


# --- The tests ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_route_is_classified_and_filled(world):
    unclassified = [
        f"route {key} has no expectation: add it to EXPECTED"
        if url
        else f"route {key}: no value for its argument in fill()"
        for key, url, expected in world["plan"]
        if expected is None
    ]
    problems = world["problems"] + unclassified
    assert not problems, "\n".join(problems)
    names = {key for key, _url, _expected in world["plan"]}
    # The walk reached the admin, our views, the choosers' absence and the private links.
    assert {
        "wagtailadmin_home",
        "wagtailsnippets_events_registration:list",
        "contests_archive_download",
        "ConferencePage:registration_status",
        "ContestPage:entry_state",
    } <= names
    assert not [name for name in names if "snippetchoosers_events_registration" in name]


def client_for(world, role):
    client = Client(raise_request_exception=False)
    if role in world["users"]:
        client.force_login(world["users"][role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_gets_200_and_who_sees_personal_data(world, role):
    client = client_for(world, role)
    wrong, leaks, errors = [], [], []
    seen = set()
    for key, url, expected in world["plan"]:
        if url is None:
            continue  # reported by test_every_route_is_classified_and_filled
        response = client.get(url)
        if role in world["users"] and not client.cookies[settings.SESSION_COOKIE_NAME].value:
            # Wagtail's logout view drops the session cookie even when it refuses a GET (405).
            client.force_login(world["users"][role])
        status = response.status_code
        if status >= 500 and not (key in FAILS_ON_PURPOSE and role in STAFF):
            errors.append(f"{status} {key} {url}")
            continue
        if expected is None:
            pass  # reported by test_every_route_is_classified_and_filled
        elif expected == ADMIN_ONLY:
            if role in (ANON, PARTICIPANT) and status == 200:
                wrong.append(f"{key} {url}: 200 for {role}, admin only")
        elif (status == 200) != (role in expected):
            wrong.append(f"{key} {url}: {status} for {role}, 200 expected for {sorted(expected)}")
        if status == 200:
            body = b"".join(response) if response.streaming else response.content
            found = [marker for marker in MARKERS if marker in body.decode("utf-8", "replace")]
            if found:
                seen.add(key)
                if role not in MAY_SEE_PERSONAL_DATA:
                    leaks += [f"{key} {url}: {marker}" for marker in found]
    if role in MAY_SEE_PERSONAL_DATA:
        # The markers are where they should be, so their absence elsewhere means something.
        assert {
            "wagtailsnippets_events_registration:list",
            "events_admin:proposal_decide"
            if role == EDITOR
            else "wagtailsnippets_contests_entry:list",
            "wagtailsnippets_contests_entry:inspect",
            "wagtailsnippets_events_registration:list (export csv)",
        } <= seen
    assert not errors, "\n".join(errors)
    assert not leaks, "\n".join(leaks)
    assert not wrong, "\n".join(wrong)
