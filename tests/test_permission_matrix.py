"""The permission matrix: every route the URL resolver knows (Wagtail's admin, snippets, our own
admin views, documents, public views, the CSV/XLSX exports of the listings of personal data)
and every subroute of our routable pages, requested with
GET as five roles, checking who gets 200 and that nobody without the right sees another
person's personal data.

Routes are found by walking ``get_resolver()`` and ``RoutablePageMixin.get_subpage_urls()``, so a
new route joins by itself: ``test_every_route_is_classified_and_filled`` fails until it has an
entry in ``EXPECTED`` (our routes, by URL name) or belongs to a Wagtail namespace in
``WAGTAIL_OWN``, and until each of its arguments can be filled by ``fill()``. Each role's
run takes seconds: the world is built once for the module.

The people: «Маркерова» (``leak-marker@example.org``) registered, proposed a report to a section
the leader does not lead and entered the contest; her name and e-mail are the markers that no
response to the anonymous visitor, the participant or the section leader may contain. The
participant «Участникова» has her own registration, proposal and entry and requests their
private links (a forged token gets 404 for everyone).
"""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Page, Site, get_page_models

ANON, PARTICIPANT, LEADER, VIEWER, EDITOR = "anonymous", "participant", "leader", "viewer", "editor"
ROLES = (ANON, PARTICIPANT, LEADER, VIEWER, EDITOR)
MARKERS = ("Маркерова", "leak-marker@example.org")
# Roles that may see Маркерова's personal data: they hold «Can view» on registrations, proposals
# and entries. Everyone else must never find it in any response.
MAY_SEE_PERSONAL_DATA = {VIEWER, EDITOR}

# Who gets 200; every other role must not. Sets of roles:
EVERYONE = frozenset(ROLES)
STAFF = frozenset({LEADER, VIEWER, EDITOR})
VIEWERS = frozenset({VIEWER, EDITOR})
EDITORS = frozenset({EDITOR})
NOBODY = frozenset()
# Wagtail's own admin views: the public never gets 200; what each staff role gets is Wagtail's
# business (and the markers check still applies).
ADMIN_ONLY = "admin-only"

#: Our routes, by URL name (``namespace:name``; ``Page:route`` for routable pages).
EXPECTED = {
    # The public site.
    "search": EVERYONE,
    "healthz": EVERYONE,
    "robots_txt": EVERYONE,
    "sitemap": EVERYONE,
    "low_vision": NOBODY,  # switches the mode with a cookie and redirects back
    "set_language": NOBODY,  # POST only
    "page": EVERYONE,  # every live page through wagtail_serve
    "EventIndexPage:index_route": EVERYONE,
    "EventIndexPage:ics": EVERYONE,
    "ConferencePage:index_route": EVERYONE,
    "ConferencePage:ics": EVERYONE,
    "ConferencePage:programme": EVERYONE,
    "ConferencePage:schedule_xml": EVERYONE,
    "ConferencePage:schedule_json": EVERYONE,
    "ConferencePage:register": EVERYONE,
    "ConferencePage:register_done": EVERYONE,
    "ConferencePage:propose": EVERYONE,
    "ConferencePage:proposal_done": EVERYONE,
    # Private links: the link is the credential, so whoever holds it gets the page (the
    # participant's own data, never anyone else's); a forged token gets 404.
    "ConferencePage:registration_status": EVERYONE,
    "ConferencePage:registration_agenda": EVERYONE,
    "ConferencePage:proposal_status": EVERYONE,
    "SectionSessionPage:index_route": EVERYONE,
    "SectionSessionPage:ics": EVERYONE,
    "ResolutionPage:index_route": EVERYONE,
    "ResolutionPage:pdf": EVERYONE,
    "ContestPage:index_route": EVERYONE,
    "ContestPage:ics": EVERYONE,
    "ContestPage:submit": EVERYONE,
    "ContestPage:entry_status": EVERYONE,
    "ContestPage:entry_state": EVERYONE,
    # Our admin views.
    "base_reports:arrears": EDITORS,
    "base_reports:arrears_results": EDITORS,
    "base_reports:retention": EDITORS,
    "events_admin:proceedings_build": EDITORS,
    "events_admin:proposal_decide": EDITORS,  # Маркерова's proposal is not the leader's section
    "events_admin:proposal_file": EDITORS,
    "events_admin:participants_list": VIEWERS,
    "events_admin:badges": VIEWERS,
    "events_admin:certificates": VIEWERS,
    "events_admin:certificate": VIEWERS,
    "contests_entry_file": VIEWERS,
    "contests_entry_preview": VIEWERS,
    "contests_entry_reprocess": NOBODY,  # POST only
    "contests_entry_disqualify": EDITORS,
    "contests_entry_withdraw": EDITORS,
    "contests_archives": EDITORS,
    "contests_contest_archives": EDITORS,
    "contests_archive_request": NOBODY,  # POST only
    "contests_archive_download": EDITORS,
    # The snippets of personal data: listing and export for those who may view them; editing,
    # history, usage and actions for those who may change them (Wagtail's rule); no chooser at
    # all; nobody adds one by hand.
    "wagtailsnippets_events_registration:list": VIEWERS,
    "wagtailsnippets_events_registration:list_results": VIEWERS,
    "wagtailsnippets_events_registration:add": NOBODY,
    "wagtailsnippets_events_registration:copy": NOBODY,
    "wagtailsnippets_events_registration:edit": EDITORS,
    "wagtailsnippets_events_registration:delete": EDITORS,
    "wagtailsnippets_events_registration:delete-multiple": EDITORS,
    "wagtailsnippets_events_registration:history": EDITORS,
    "wagtailsnippets_events_registration:history_results": EDITORS,
    "wagtailsnippets_events_registration:usage": EDITORS,
    "wagtailsnippets_events_registration:action": EDITORS,
    # Leaders list the proposals they may decide (their section's); others get an empty list
    # unless they may edit the conference (ProposalPermissionPolicy, cfp.decidable_by).
    "wagtailsnippets_events_proposal:list": STAFF,
    "wagtailsnippets_events_proposal:list_results": STAFF,
    "wagtailsnippets_events_proposal:add": NOBODY,
    "wagtailsnippets_events_proposal:copy": NOBODY,
    "wagtailsnippets_events_proposal:edit": EDITORS,
    "wagtailsnippets_events_proposal:delete": EDITORS,
    "wagtailsnippets_events_proposal:delete-multiple": EDITORS,
    "wagtailsnippets_events_proposal:history": EDITORS,
    "wagtailsnippets_events_proposal:history_results": EDITORS,
    "wagtailsnippets_events_proposal:usage": EDITORS,
    "wagtailsnippets_contests_entry:list": VIEWERS,
    "wagtailsnippets_contests_entry:list_results": VIEWERS,
    "wagtailsnippets_contests_entry:add": NOBODY,
    "wagtailsnippets_contests_entry:copy": NOBODY,
    "wagtailsnippets_contests_entry:edit": EDITORS,
    "wagtailsnippets_contests_entry:delete": EDITORS,
    "wagtailsnippets_contests_entry:delete-multiple": EDITORS,
    "wagtailsnippets_contests_entry:history": EDITORS,
    "wagtailsnippets_contests_entry:history_results": EDITORS,
    "wagtailsnippets_contests_entry:usage": EDITORS,
    "wagtailsnippets_contests_entry:inspect": VIEWERS,
}
#: Our snippets without personal data (people on the programme, libraries, municipalities, dues,
#: resolution items): Wagtail's usual admin rules, by namespace.
ADMIN_ONLY_NAMESPACES = (
    "wagtailsnippets_base_person",
    "wagtailsnippets_base_library",
    "wagtailsnippets_base_municipality",
    "wagtailsnippets_base_membershipfee",
    "wagtailsnippets_events_resolutionitem",
    "wagtailsnippetchoosers_base_person",
    "wagtailsnippetchoosers_base_library",
    "wagtailsnippetchoosers_base_municipality",
    "wagtailsnippetchoosers_base_membershipfee",
    "wagtailsnippetchoosers_events_resolutionitem",
)
#: Wagtail's own namespaces and names (the admin's pages, images, documents, users, workflows…):
#: admin only, except the public ones below. A snippet or chooser of a model of ours is never
#: Wagtail's own: it must be listed above.
WAGTAIL_OWN = re.compile(
    r"^(wagtailadmin\w*|wagtailimages\w*|wagtaildocs\w*|wagtailusers\w*|wagtailsites|"
    r"wagtailredirects|wagtailforms|wagtailsettings|wagtailembeds|wagtail_bulk_action|"
    r"wagtailcore\w*)(:|$)|^wagtailsnippets:"
)
WAGTAIL_PUBLIC = {
    "wagtailadmin_login": frozenset({ANON, PARTICIPANT}),  # staff are sent on to the admin
    "wagtailadmin_password_reset": EVERYONE,
    "wagtailadmin_password_reset_done": EVERYONE,
    "wagtailadmin_password_reset_complete": EVERYONE,
    "wagtailadmin_password_reset_confirm": EVERYONE,  # "invalid link" page for a made-up token
    "wagtailadmin_javascript_catalog": EVERYONE,
    "wagtailadmin_sprite": EVERYONE,
    "wagtaildocs_serve": EVERYONE,  # a public document
    # No page or document of the world has a password: 404 for everyone.
    "wagtaildocs_authenticate_with_password": NOBODY,
    "wagtailcore_authenticate_with_password": NOBODY,
    "wagtailcore_login": EVERYONE,
}
EXPORTS = ("csv", "xlsx")
#: Routes built by hand rather than from their pattern (regex routes with unnamed groups).
SPECIAL_URLS = {"wagtaildocs_serve": lambda world: world["document"].url}
#: Wagtail's «failwhale» page raises an error on purpose, for admins to test error reporting.
FAILS_ON_PURPOSE = {"wagtailadmin_error_test"}
UNNAMED = {
    "admin/test404/": ADMIN_ONLY,
    "admin/^.*/$": ADMIN_ONLY,
    "admin/password_reset/": EVERYONE,
}


def classify(name):
    if name in EXPECTED:
        return EXPECTED[name]
    if name in WAGTAIL_PUBLIC:
        return WAGTAIL_PUBLIC[name]
    namespace = name.rpartition(":")[0]
    if namespace in ADMIN_ONLY_NAMESPACES:
        return ADMIN_ONLY
    if WAGTAIL_OWN.search(name) and namespace not in OUR_PERSONAL_NAMESPACES:
        return ADMIN_ONLY
    return None


OUR_PERSONAL_NAMESPACES = {
    "wagtailsnippets_events_registration",
    "wagtailsnippets_events_proposal",
    "wagtailsnippets_contests_entry",
    "wagtailsnippetchoosers_events_registration",
    "wagtailsnippetchoosers_events_proposal",
    "wagtailsnippetchoosers_contests_entry",
}


# --- The world -------------------------------------------------------------------------------


def build_world(media_root):
    from contests import archive, processing, submission
    from events.models import Proposal
    from kuzbib_site.base.models import MembershipFee
    from tests.conftest import ensure_wagtail_root
    from tests.factories import (
        ConferencePageFactory,
        EventIndexPageFactory,
        HomePageFactory,
        LibraryFactory,
        PersonFactory,
        ResolutionItemFactory,
        ResolutionPageFactory,
        SectionIndexPageFactory,
        SectionPageFactory,
        SectionSessionPageFactory,
        TalkFactory,
    )
    from tests.factories import files as sample
    from tests.factories.contests import (
        ContestIndexPageFactory,
        ContestPageFactory,
        NominationFactory,
        StageFactory,
        entry_data,
        uploads,
    )
    from tests.factories.events import RegistrationFactory, at

    root = ensure_wagtail_root()
    home = HomePageFactory(parent=root, title="Кузбасские библиотеки", slug="kuzbib")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    Site.clear_site_root_paths_cache()
    events = EventIndexPageFactory(parent=home)
    sections = SectionIndexPageFactory(parent=home)
    methodology = SectionPageFactory(parent=sections, title="Методическая секция", slug="m")
    local_history = SectionPageFactory(parent=sections, title="Краеведческая секция", slug="lh")
    now = timezone.now()
    conference = ConferencePageFactory(
        parent=events,
        title="VIII Ежегодная сессия",
        slug="viii",
        number=8,
        cfp_opens=now - datetime.timedelta(days=1),
        cfp_closes=now + datetime.timedelta(days=10),
    )
    session = SectionSessionPageFactory(
        parent=conference, title="Заседание методической секции", section=methodology
    )
    TalkFactory(session=session, speakers=[PersonFactory(last_name="Андреева")])
    session.save_revision().publish()
    SectionSessionPageFactory(
        parent=conference, title="Пленарное заседание", format="plenary", start=at(10), end=at(12)
    ).save_revision().publish()
    conference.save_revision().publish()
    resolution = ResolutionPageFactory(parent=conference, slug="resolution")
    ResolutionItemFactory(resolution=resolution, number="4.1", assignee_section=methodology)
    MembershipFee.objects.create(library=LibraryFactory(), year=2009, amount=100)
    document = get_document_model().objects.create(
        title="Программа", file=ContentFile(b"%PDF-1.4 programme", name="programme.pdf")
    )

    victim = {
        "last_name": "Маркерова",
        "first_name": "Ирина",
        "email": "leak-marker@example.org",
    }
    registration = RegistrationFactory(
        conference=conference, name="Маркерова Ирина", email=victim["email"], attended=True
    )
    own_registration = RegistrationFactory(
        conference=conference, name="Участникова Ольга", email="own@example.ru"
    )
    proposal_fields = {
        "conference": conference,
        "title": "Доклад",
        "abstract": "Тезисы",
        "library": LibraryFactory(),
        "consent_given_at": now,
    }
    proposal = Proposal(section=local_history, **victim, **proposal_fields)
    proposal.file.save("тезисы.pdf", ContentFile(sample.pdf()), save=False)
    proposal.save()
    own_proposal = Proposal.objects.create(
        section=methodology,
        last_name="Участникова",
        first_name="Ольга",
        email="own@example.ru",
        **proposal_fields,
    )

    contest = ContestPageFactory(
        parent=ContestIndexPageFactory(parent=home),
        slug="knyaginya",
        title="КНИГИНЯ-2026",
        entry_prefix="КНИГИНЯ-2026",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=60),
        age_reference_date=now.date(),
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    StageFactory(
        contest=contest,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=10),
    )
    contest.save_revision().publish()
    entry = submission.submit(
        contest, entry_data(contest, **victim), uploads(("работа.pdf", sample.pdf(), "pdf"))
    )
    own_entry = submission.submit(
        contest,
        entry_data(contest, last_name="Участникова", email="own@example.ru"),
        uploads(("моя.pdf", sample.pdf(), "pdf")),
    )
    processing.run(entry.pk)
    processing.run(own_entry.pk)
    stored = entry.files.get()
    assert stored.preview, "the preview route needs a preview"
    ready = archive.request(contest, None)
    archive.build(ready.pk)

    users = make_users(methodology, session, conference)
    return {
        "home": home,
        "document": document,
        "conference": conference,
        "session": session,
        "resolution": resolution,
        "contest": contest,
        "registration": registration,
        "proposal": proposal,
        "entry": entry,
        "entry_file": stored,
        "archive": ready,
        "tokens": {
            "registration": own_registration.token,
            "proposal": own_proposal.token,
            "entry": own_entry.token,
        },
        "users": users,
        "media": media_root,
    }


def make_users(methodology, session, conference):
    from django.contrib.auth import get_user_model

    from tests.factories.events import section_leader

    user_model = get_user_model()
    access_admin = Permission.objects.get(codename="access_admin")
    personal = Permission.objects.filter(
        content_type__app_label__in=["events", "contests"],
        content_type__model__in=["registration", "proposal", "entry"],
    )

    # A section leader as kuzbib_site/demo/events.py makes one.
    leader = user_model.objects.create_user("leader", email="leader@example.org")
    section_leader(leader, (methodology, session), ("add_page", "change_page", "publish_page"))

    viewer = user_model.objects.create_user("viewer", email="viewer@example.org")
    viewer.user_permissions.add(access_admin, *personal.filter(codename__startswith="view_"))

    # An editor: Wagtail's «Editors» group (remade here: a transactional test elsewhere may have
    # emptied the table) publishing on the whole tree, and every permission of our apps.
    editor = user_model.objects.create_user("editor", email="editor@example.org")
    editors, _created = Group.objects.get_or_create(name="Editors")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(
                codename=codename, content_type__app_label="wagtailcore"
            ),
        )
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
            codename__regex=r"^(add|change|choose)_",
        )
    )
    editor.groups.add(editors)
    editor.user_permissions.add(
        access_admin,
        *personal,
        *Permission.objects.filter(
            content_type__app_label__in=["events", "contests", "base"],
        ),
    )
    return {LEADER: leader, VIEWER: viewer, EDITOR: editor}


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
