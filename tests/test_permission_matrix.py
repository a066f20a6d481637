"""The permission matrix: every route the URL resolver knows (Wagtail's admin, snippets, our own
admin views, the jury room, documents, public views, the CSV/XLSX exports of the listings of
personal data) and every subroute of our routable pages, requested with GET as seven roles,
checking who gets 200 and that nobody without the right sees another person's personal data.

Routes are found by walking ``get_resolver()`` and ``RoutablePageMixin.get_subpage_urls()``, so a
new route joins by itself: ``test_every_route_is_classified_and_filled`` fails until it has an
entry in ``EXPECTED`` (our routes, by URL name) or belongs to a Wagtail namespace in
``WAGTAIL_OWN`` (both in tests/permission_matrix/routes.py), and until each of its arguments can
be filled by ``fill()``. Each role's run takes seconds: the world (tests/permission_matrix/
world.py) is built once for the module.

The people: «Маркерова» (``leak-marker@example.org``) registered, proposed a report to a section
the leader does not lead, entered the contest and applied to the dynasties' festival for her
family; her name and e-mail are the markers that no response to the anonymous visitor, the
participant, the section leader or the jury may contain. The participant «Участникова» has her
own registration, proposal, entry and family's application and requests their private links (a
forged token gets 404 for everyone).

The contest is judged blind and judging is open: the juror and the chair (signed-in users
without admin access) read Маркерова's entry, its file and preview in the jury room, and the
chair its pages — and must never find her name or e-mail there, though her file names her in
its text and metadata (the view-only user finds the markers in the original file; the juror's
page shows the text around her redacted name). What judging publishes is requested on last
year's contest, whose results are published, and on the world's, where they are not yet.
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
    CHAIR,
    EDITOR,
    EXPECTED,
    EXPORTS,
    FAILS_ON_PURPOSE,
    FORGED,
    JUROR,
    MARKERS,
    MAY_SEE_PERSONAL_DATA,
    NO_ADMIN_ACCESS,
    NOBODY,
    OUR_PERSONAL_NAMESPACES,
    ROLES,
    SPECIAL_URLS,
    STAFF,
    UNNAMED,
    WAGTAIL_OWN,
    classify,
)
from tests.permission_matrix.world import SIGNED_WITNESS, build_world

pytestmark = pytest.mark.slow  # every route as seven roles


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
    published = world["published"]
    by_route = {
        ("events_admin:proposal_decide", "pk"): world["proposal"].pk,
        ("events_admin:proposal_file", "pk"): world["proposal"].pk,
        ("contests_entry_file", "pk"): world["entry_file"].pk,
        ("contests_entry_preview", "pk"): world["entry_file"].pk,
        ("contests_entry_blind_file", "pk"): world["entry_file"].pk,
        ("contests_flag_accept", "pk"): world["flag"].pk,
        ("contests_archive_download", "pk"): world["archive"].pk,
        ("wagtailsnippets_events_registration:action", "action"): "cancel",
        ("contests_jury:welcome", "uidb64"): world["welcome"]["uidb64"],
        ("contests_jury:welcome", "token"): world["welcome"]["token"],
        ("contests_jury:chair_sheets", "juror_id"): world["juror_member"].pk,
        ("contests_jury:chair_reopen_sheet", "sheet_id"): world["sheet"].pk,
        ("heroes_import", "pk"): world["hero_import"].pk,
        ("heroes_import_start", "pk"): world["hero_import"].pk,
        ("heroes_import_template", "file_format"): "csv",
        ("periodicals_holdings_import", "pk"): world["holdings_import"].pk,
        ("periodicals_holdings_import_apply", "pk"): world["holdings_import"].pk,
        ("dynasties_application_photo", "pk"): world["application_photo"].pk,
        ("dynasties_application_photo", "size"): "thumbnail",
        ("periodicals_scan_rerun", "pk"): world["scan"].pk,
        ("periodicals_scan_thumbnail", "pk"): world["scan"].pk,
        ("periodicals_issue_pages", "issue_id"): world["issue"].pk,
        ("periodicals_correction", "pk"): world["correction"].pk,
        # The periodicals' IIIF image service: the world's open issue's page.
        ("periodicals_iiif_base", "scan_id"): world["scan"].pk,
        ("periodicals_iiif_info", "scan_id"): world["scan"].pk,
        ("periodicals_iiif_image", "scan_id"): world["scan"].pk,
        ("periodicals_iiif_image", "path"): "full/max/0/default.jpg",
    }
    if (name, argument) in by_route:
        return by_route[(name, argument)]
    if namespace_of(name) == "contests_jury":
        document, _dot, what = name.partition(":")[2].partition("_")
        if document in published["builds"] and what in ("", "file"):
            # The chair's documents, on last year's contest, where they are built.
            documents = {
                "contest_id": published["contest"].pk,
                "build_id": published["builds"][document].pk,
            }
            return documents.get(argument)
        # Маркерова's entry and its file in the jury room of the world's contest.
        jury_room = {"number": world["entry"].number, "file_id": world["entry_file"].pk}
        if argument in jury_room:
            return jury_room[argument]
    if namespace_of(name) == "jury" and argument == "pk":
        return world["juror_member"].pk  # the juror's membership, in the admin
    namespace = namespace_of(name)
    for model in ("registration", "proposal", "entry", "application"):
        if namespace.endswith(f"_{model}") and argument == "pk":
            return world[model].pk
    if name.startswith("dynasties_application_") and argument == "pk":
        return world["application"].pk
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


def namespace_of(name):
    return name.rpartition(":")[0]


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
        if name in FORGED:
            forged, _missing = build_url(world, route, name, {FORGED[name]: "forged-" + "x" * 30})
            rows.append((f"{name} (forged token)", forged, NOBODY))
        if name.endswith(":list") and name.rpartition(":")[0] in OUR_PERSONAL_NAMESPACES:
            # The listing's CSV and XLSX exports: the same rows, the same rule.
            rows += [
                (f"{name} (export {kind})", f"{url}?export={kind}", expected) for kind in EXPORTS
            ]
    return rows, problems


def build_url(world, route, name, overrides=None):
    missing = []

    def value(match):
        argument = match.group("name") or match.group("regex_name")
        filled = (overrides or {}).get(argument) or fill(world, name, argument)
        if filled is None:
            missing.append(argument)
            return ""
        return str(filled)

    path = ARGUMENT.sub(value, route)
    # The few regex routes: drop the anchors and optional groups left around filled values.
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path, missing


#: Arguments of a page's routes that are no secret, with the value requested.
PLAIN_ARGUMENTS = {
    "<str:file_format>": "csv",
    "<int:year>": "1957",
    # A line of an issue's page (periodicals' corrections): the world's page 1 has line_1.
    "<int:number>": "1",
    "<str:line>": "line_1",
    "<str:region>": "0-0-100-100",  # a clip of the world's page
}
ARGUMENT_OF_PAGE = re.compile(r"<[^>]+>")


def pages(world):
    """Every live page, and each routable page's subroutes with our own private links. A
    page's variant (``world["variants"]``: the world's contest is «before publication») picks
    the expectation ``Page:route (variant)`` where there is one."""
    rows = []
    routable = {model for model in get_page_models() if issubclass(model, RoutablePageMixin)}
    for page in Page.objects.live().specific().order_by("path"):
        if page.depth < 2:
            continue
        rows.append(("page", page.url, EXPECTED["page"]))
        if type(page) not in routable:
            continue
        tokens = world["tokens"].get(page.pk, {})
        variant = world["variants"].get(page.pk)
        for pattern in type(page).get_subpage_urls():
            key = f"{type(page).__name__}:{pattern.name}"
            if f"{key} ({variant})" in EXPECTED:
                key = f"{key} ({variant})"
            subpath = str(pattern.pattern)
            # The participant's own link (registration_*, proposal_*, entry_*) and a diploma's
            # code (last year's contest's, also tried on the world's).
            secrets = {
                "<str:token>": tokens.get(pattern.name.split("_")[0]),
                "<str:code>": world["published"]["code"],
            }
            secret = next((argument for argument in secrets if argument in subpath), None)
            if secret is not None:
                if secrets[secret] is None:
                    rows.append((key, None, None))
                    continue
                url = page.url + subpath.replace(secret, secrets[secret])
                rows.append((key, url, EXPECTED.get(key)))
                forged = page.url + subpath.replace(secret, "forged-" + "x" * 30)
                rows.append((key + " (forged)", forged, NOBODY))
            elif "<" in subpath and all(
                argument in PLAIN_ARGUMENTS for argument in ARGUMENT_OF_PAGE.findall(subpath)
            ):
                for argument, value in PLAIN_ARGUMENTS.items():
                    subpath = subpath.replace(argument, value)
                rows.append((key, page.url + subpath, EXPECTED.get(key)))
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
        "contests_jury:entry_file",
        "contests_jury:collection_file",
        "ContestPage:results",
        "ContestPage:results (before publication)",
        "ContestPage:verify_diploma (forged)",
        "contests_jury:welcome (forged token)",
        "FestivalPage:application_status",
        "FestivalPage:application_status (forged)",
        "DynastyPage:gedcom",
        "wagtailsnippets_dynasties_application:inspect",
        "dynasties_application_photo",
    } <= names
    assert not [name for name in names if "snippetchoosers_events_registration" in name]
    assert not [name for name in names if "snippetchoosers_dynasties_application" in name]


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
    witnesses = dict(jury_witnesses(world).get(role, ()))
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
            if role in NO_ADMIN_ACCESS and status == 200:
                wrong.append(f"{key} {url}: 200 for {role}, admin only")
        elif (status == 200) != (role in expected):
            wrong.append(f"{key} {url}: {status} for {role}, 200 expected for {sorted(expected)}")
        if status == 200:
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            found = [marker for marker in MARKERS if marker in text]
            if key in witnesses and witnesses[key] in text:
                del witnesses[key]
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
            "wagtailsnippets_dynasties_application:list",
            "wagtailsnippets_dynasties_application:inspect",
            # Маркерова's original file names her in its bytes (XMP): its jury copy must not.
            "contests_entry_file",
        } <= seen
    missing = [f"{key}: {text!r} not in its 200 for {role}" for key, text in witnesses.items()]
    # All at once: a leak must not hide a wrong status, nor the other way round.
    problems = errors + leaks + wrong + missing
    assert not problems, "\n".join(problems)


def jury_witnesses(world):
    """What the jury must find where the markers must not be, so that their absence means
    something: the juror and the chair read Маркерова's entry's text with her name and e-mail
    redacted from it (the words around them shown) and download its jury copy (a PDF); the
    chair's results list her entry by its code."""
    reading = {"contests_jury:entry": SIGNED_WITNESS, "contests_jury:entry_file": "%PDF-"}
    return {
        JUROR: reading,
        CHAIR: {**reading, "contests_jury:chair": world["entry"].code},
    }
