"""The admin as the tests walk it: one live page of every page type, one record of every snippet,
an editor as the partnership sets one up, and the URLs of every editor, listing and custom admin
view of our apps. Used by the browser test under the production CSP
(``tests/browser/test_admin_csp.py``) and by the «no English in the Russian admin» test
(``tests/test_admin_russian.py``); the test modules import the fixtures they use."""

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, get_page_models
from wagtail.snippets.models import get_snippet_models
from wagtail.users.models import UserProfile

from contests import submission
from contests.models import Entry, EntryFlag, JuryMember
from dynasties.models import Application, DynastyPhoto, FestivalNomination, FestivalPage
from events.models import ConferencePage, Proposal, Registration
from heroes_archive import importer
from heroes_archive.models import (
    HeroImport,
    HeroIndexPage,
    Memorial,
    MemorialKind,
    Source,
    SourceKind,
)
from periodicals.models import CorrectionModerator
from tests.dynasties.test_moderation import ready_photo
from tests.factories import (
    LibraryFactory,
    MembershipFeeFactory,
    MunicipalityFactory,
    PersonFactory,
)
from tests.factories.contests import entry_data, uploads
from tests.factories.dynasties import (
    ApplicationFactory,
    DynastyPageFactory,
    FestivalPageFactory,
)
from tests.factories.events import RegistrationFactory
from tests.factories.files import pdf
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory
from tests.factories.periodicals import (
    IssuePageFactory,
    PeriodicalsIndexPageFactory,
    ScanFactory,
    TitlePageFactory,
)
from tests.heroes_archive.test_import import hero_row, spreadsheet

#: The apps whose admin is ours (permissions an editor gets, models whose names the admin shows).
OUR_APPS = ["base", "home", "events", "contests", "heroes_archive", "dynasties", "periodicals"]


@pytest.fixture
def festival_tree(site_tree):
    """The festival of library dynasties with a nomination awarded to its dynasty, whose members,
    kinship, work periods and gallery fill its inline panels."""
    festival = FestivalPageFactory(parent=site_tree["home"])
    dynasty = DynastyPageFactory(parent=festival, tags=["сельские библиотеки"])
    DynastyPhoto.objects.create(
        dynasty=dynasty,
        image=wagtail_factories.ImageFactory(title="Читальный зал"),
        caption="Читальный зал",
    )
    dynasty.save_revision().publish()
    festival = FestivalPage.objects.get(pk=festival.pk)
    nomination = FestivalNomination(title="Старейшая династия")
    nomination.winners = [dynasty]
    festival.nominations.add(nomination)
    festival.save_revision().publish()
    return {"festival": festival, "dynasty": dynasty}


@pytest.fixture
def every_page_type(site_tree, conference_tree, contest, festival_tree):
    """One live page of every creatable page type, from the team's page-tree fixtures, a
    heroes archive with a twice-hero (awards, a memorial and a source in its inline panels) and
    the festival of library dynasties (``festival_tree``)."""
    archive = HeroIndexPageFactory(parent=site_tree["home"])
    hero = HeroPageFactory(
        parent=archive,
        awards=[("hero", "26.04.1957", 1), ("hero", "1961", 2), ("order_lenin", "1957")],
    )
    hero.memorials.add(Memorial(kind=MemorialKind.PLAQUE, place="Кемерово, ул. Шахтёров, 12"))
    hero.sources.add(Source(kind=SourceKind.BOOK, title="Герои угля", year=1975))
    hero.save_revision().publish()
    periodicals = PeriodicalsIndexPageFactory(parent=site_tree["home"])
    newspaper = TitlePageFactory(parent=periodicals, title="Знамя шахтёра", slug="znamya")
    ScanFactory(issue=IssuePageFactory(parent=newspaper), text="Шахта «Северная» дала план.")
    pages = {}
    for page in Page.objects.exclude(depth=1).specific():
        pages.setdefault(type(page), page)
    return pages


@pytest.fixture
def every_snippet(conference_tree, contest, festival_tree):
    """One instance of every snippet model (those the fixtures do not make are made here)."""
    municipality = MunicipalityFactory()
    library = LibraryFactory(municipality=municipality)
    PersonFactory()
    MembershipFeeFactory(library=library, year=2009)
    conference = conference_tree["conference"]
    RegistrationFactory(conference=conference)
    Proposal.objects.create(
        conference=conference,
        section=conference_tree["methodology"],
        title="Методическая служба сельской библиотеки",
        abstract="Опыт методической работы.",
        format=Proposal.Format.REPORT,
        last_name="Петрова",
        first_name="Анна",
        email="petrova@example.ru",
        library=library,
        consent_given_at=timezone.now(),
    )
    submission.submit(
        contest,
        entry_data(contest, municipality=municipality),
        uploads(("работа.pdf", pdf(), "pdf")),
    )
    application = ApplicationFactory(festival=festival_tree["festival"], municipality=municipality)
    ready_photo(application, member=1, caption="Мария Петровна в читальном зале")
    # A login in Russian, as the site's people name theirs: the moderator's form lists logins.
    moderator = get_user_model().objects.create_user("модератор", email="moderator@example.org")
    CorrectionModerator.objects.create(user=moderator, library=library)
    return {model: model.objects.order_by("pk").first() for model in get_snippet_models()}


def make_editor(django_user_model, username="editor", language="ru"):
    """An editor as the partnership sets one up: Wagtail's «Editors» group (remade here: a
    transactional test elsewhere may have emptied the table) publishing on the whole tree, with
    images and documents, and every permission of our apps; the admin in ``language``."""
    user = django_user_model.objects.create_user(
        username, email=f"{username}@example.org", password="Редактор-Кузбасса-2009"
    )
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
    user.groups.add(editors)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label__in=OUR_APPS),
    )
    set_admin_language(user, language)
    return user


def set_admin_language(user, language):
    """The language of the admin's interface, as the user chooses it in their account."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def admin_url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def editor_urls(pages, snippets, user):
    """The add and edit views of every creatable page type and every snippet model the
    permission policies let ``user`` open (records that only the public forms create have
    no add view)."""
    urls = []
    for model in get_page_models():
        if not model.is_creatable:
            continue
        assert model in pages, f"no {model.__name__} in the fixtures' page tree"
        # A parent the model may be added under (a type limited to one page, such as the
        # library directory, has none once the fixtures made it: its edit view still counts).
        parent = next(
            (
                p
                for p in [Page.get_first_root_node(), *pages.values()]
                if model.can_create_at(p.specific)
            ),
            None,
        )
        if parent is not None:
            label = model._meta
            urls.append(
                admin_url("wagtailadmin_pages:add", label.app_label, label.model_name, parent.pk)
            )
        urls.append(admin_url("wagtailadmin_pages:edit", pages[model].pk))
    for model, instance in snippets.items():
        assert instance is not None, f"no {model.__name__} to edit"
        viewset = model.snippet_viewset
        policy = viewset.permission_policy
        if policy.user_has_permission(user, "add"):
            urls.append(admin_url(viewset.get_url_name("add")))
        if policy.user_has_permission(user, "change"):
            urls.append(admin_url(viewset.get_url_name("edit"), instance.pk))
    return [url for url in urls if url]


def listing_urls(pages, snippets, user):
    """Every snippet's listing (and its inspect view where it has one) and the page explorer of
    every page that has children, as ``user`` may see them."""
    urls = []
    for model, instance in snippets.items():
        viewset = model.snippet_viewset
        policy = viewset.permission_policy
        if not policy.user_has_any_permission(user, ["view", "change", "add", "delete"]):
            continue
        urls.append(admin_url(viewset.get_url_name("list")))
        if viewset.inspect_view_enabled:
            urls.append(admin_url(viewset.get_url_name("inspect"), instance.pk))
        if policy.user_has_permission(user, "delete"):
            urls.append(admin_url(viewset.get_url_name("delete"), instance.pk))
    for page in pages.values():
        if page.get_children().exists():
            urls.append(admin_url("wagtailadmin_explore", page.pk))
    return [url for url in urls if url]


def custom_admin_urls(pages, snippets, user):
    """Our apps' own admin views, with the records they need: the contests' jury, an entry's
    status forms and its «may reveal the author» flag, the ZIP archives; a proposal's decision,
    a registration's actions, the proceedings and the participants' documents; the heroes'
    import with a checked spreadsheet; the dynasties' decisions; the reports."""
    entry = snippets[Entry]
    EntryFlag.objects.get_or_create(
        entry=entry, kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, fragment="текст: Автор: Иванова"
    )
    member, _created = JuryMember.objects.get_or_create(
        contest=entry.contest, user=user, defaults={"role": JuryMember.Role.CHAIR}
    )
    heroimport = importer.upload(
        pages[HeroIndexPage],
        SimpleUploadedFile(
            "герои.csv",
            spreadsheet([hero_row("GST-00901"), hero_row("GST-00902", birth_date="31.02.1923")]),
        ),
        user,
    )
    # The dry run as the worker runs it: in a test's transaction the task queued on commit never
    # goes; in a transactional test it went already, and this second delivery does nothing.
    importer.work(heroimport.pk, stage=HeroImport.Stage.CHECK)
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.CHECKED
    conference = pages[ConferencePage]
    registration = snippets[Registration]
    application = snippets[Application]
    return [
        reverse("jury:index"),
        reverse("jury:add"),
        reverse("jury:edit", args=[member.pk]),
        reverse("jury:delete", args=[member.pk]),
        reverse("jury:invite_again", args=[member.pk]),
        reverse("contests_entry_disqualify", args=[entry.pk]),
        reverse("contests_entry_withdraw", args=[entry.pk]),
        reverse("contests_archives"),
        reverse("contests_contest_archives", args=[entry.contest_id]),
        reverse("events_admin:proposal_decide", args=[snippets[Proposal].pk]),
        reverse("events_admin:proceedings_build", args=[conference.pk]),
        reverse("events_admin:certificates", args=[conference.pk]),
        *(
            reverse("wagtailsnippets_events_registration:action", args=[registration.pk, action])
            for action in ("check_in", "approve", "reject", "cancel")
        ),
        reverse("heroes_imports"),
        reverse("heroes_import", args=[heroimport.pk]),
        reverse("wagtailsnippets_dynasties_application:list"),
        reverse("dynasties_application_return", args=[application.pk]),
        reverse("dynasties_application_reject", args=[application.pk]),
        reverse("base_reports:arrears"),
        reverse("base_reports:retention"),
    ]
