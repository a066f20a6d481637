"""The plugins in a bare Wagtail site (tests/testapp/settings.py): migrated, checked, and their
public pages and forms rendered on the core's own ``kuzbib/base.html``, with none of our site
installed. Run by tests/testapp/test_plugin_site.py in a process of its own."""

import datetime
import sys
from html.parser import HTMLParser

import pytest
from celery import current_app
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from wagtail.models import Page

from contests.models import ContestIndexPage, ContestPage, Nomination, Stage
from dynasties.models import (
    DynastyPage,
    FestivalNomination,
    FestivalPage,
    Kinship,
    Member,
    WorkPeriod,
)
from events.models import ConferencePage, EventIndexPage, SectionSessionPage
from heroes_archive.models import HeroAward, HeroIndexPage, HeroPage

pytestmark = pytest.mark.django_db

SITE_NAME = "Библиотеки соседей"


def test_only_the_core_and_the_plugins_are_installed():
    for app in (
        "kuzbib_site.base",
        "events",
        "contests",
        "heroes_archive",
        "dynasties",
        "periodicals",
    ):
        assert apps.is_installed(app)
    assert not apps.is_installed("kuzbib_site.home")
    ours = [name for name in sys.modules if name.startswith(("kuzbib_site.", "kuzbib_site"))]
    assert "kuzbib_site.settings" not in ours and "kuzbib_site.celery" not in ours, ours
    assert not [name for name in ours if name.startswith(("kuzbib_site.home", "kuzbib_site.demo"))]
    # The plugins' tasks run on the host's Celery app, not on ours.
    assert current_app.main == "testapp"


def test_system_checks_pass_and_no_migration_is_missing():
    call_command("check")
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_core_leaves_no_tables_of_our_site_pages():
    tables = set(connection.introspection.table_names())
    for model in ("homepage", "homepagefeatured", "standardpage", "libraryindexpage"):
        assert f"base_{model}" not in tables
        assert f"home_{model}" not in tables
    assert {
        "base_library",
        "events_conferencepage",
        "contests_contestpage",
        "heroes_archive_heropage",
        "dynasties_festivalpage",
        "dynasties_dynastypage",
        "dynasties_application",
        "periodicals_issuepage",
        "periodicals_scan",
        "periodicals_holding",
    } <= tables


@pytest.fixture
def host_site():
    """The host's home page (a plain Wagtail page from the fixture) with an events calendar, a
    conference taking registrations and proposals, one of its sessions, a contest taking
    entries, a heroes archive, and a festival of library dynasties taking applications with a
    dynasty of two generations: made the way a site's editors would, through the page tree."""
    call_command("loaddata", "plugin_site", verbosity=0)
    home = Page.objects.get(pk=2)
    now = timezone.now()
    start = (now + datetime.timedelta(days=40)).replace(hour=10, minute=0, second=0, microsecond=0)
    events = home.add_child(
        instance=EventIndexPage(title="Афиша", slug="events", show_in_menus=True)
    )
    conference = events.add_child(
        instance=ConferencePage(
            title="Конференция соседей",
            slug="conference",
            number=1,
            theme="Библиотека и местное сообщество",
            start=start,
            end=start + datetime.timedelta(hours=7),
            venue="Центральная библиотека",
            city="Томск",
            organisers="Ассоциация библиотек соседей",
            registration_opens=now - datetime.timedelta(days=1),
            registration_closes=now + datetime.timedelta(days=30),
            cfp_opens=now - datetime.timedelta(days=1),
            cfp_closes=now + datetime.timedelta(days=30),
        )
    )
    session = conference.add_child(
        instance=SectionSessionPage(
            title="Заседание секции краеведения",
            slug="local-history",
            start=start + datetime.timedelta(hours=3),
            end=start + datetime.timedelta(hours=5),
            room="Читальный зал",
        )
    )
    contests = home.add_child(
        instance=ContestIndexPage(title="Конкурсы соседей", slug="contests", show_in_menus=True)
    )
    contest = contests.add_child(
        instance=ContestPage(
            title="Читающий город",
            slug="reading-town",
            start=now - datetime.timedelta(days=2),
            end=now + datetime.timedelta(days=60),
            entry_prefix="ЧГ",
            max_age=99,
            age_reference_date=timezone.localdate(),
        )
    )
    Nomination.objects.create(contest=contest, title="Лучший клуб чтения")
    Stage.objects.create(
        contest=contest,
        kind=Stage.Kind.SUBMISSIONS,
        title="Приём работ",
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=20),
    )
    heroes = home.add_child(
        instance=HeroIndexPage(title="Герои труда соседей", slug="heroes", show_in_menus=True)
    )
    hero = HeroPage(
        title="Сибиряков Иван",
        slug="sibiryakov",
        identifier="H-1",
        surname="Сибиряков",
        given_name="Иван",
        sex="m",
        birth_date="около 1920",
        relation="lived",
        industry="coal",
        profession="шахтёр",
    )
    hero.awards.add(HeroAward(kind="hero", date="26.04.1957"))
    heroes.add_child(instance=hero)
    festival = home.add_child(
        instance=FestivalPage(
            title="Фестиваль библиотечных династий соседей",
            slug="festival",
            start=start,
            end=start + datetime.timedelta(hours=6),
            venue="Центральная библиотека",
            city="Томск",
            applications_open_from=now - datetime.timedelta(days=1),
            applications_close_at=now + datetime.timedelta(days=20),
            show_in_menus=True,
        )
    )
    festival.nominations.add(FestivalNomination(title="Старейшая династия"))
    dynasty = DynastyPage(
        title="Династия Сибиряковых", slug="sibiryakovy", family_name="Сибиряковы"
    )
    dynasty.members = [
        Member(number=1, last_name="Сибирякова", first_name="Анна", sex="f", birth_date="1930"),
        Member(number=2, last_name="Сибирякова", first_name="Вера", sex="f", birth_date="1958"),
    ]
    dynasty.links = [Kinship(kind=Kinship.Kind.PARENT, person=1, relative=2)]
    dynasty.periods = [
        WorkPeriod(member=1, library_name="Сельская библиотека", start_year=1950, end_year=1985),
        WorkPeriod(member=2, library_name="Городская библиотека", start_year=1980, end_year=2010),
    ]
    festival.add_child(instance=dynasty)
    for page in (events, conference, session, contests, contest, heroes, hero, festival, dynasty):
        page.save_revision().publish()
    return {
        "festival": festival,
        "dynasty": dynasty,
        "heroes": heroes,
        "hero": hero,
        "home": home,
        "events": events,
        "conference": conference,
        "session": session,
        "contests": contests,
        "contest": contest,
    }


def get_page(client, url, *texts):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    # The core's layout: the Wagtail site's name in the title and header, the skip link.
    assert f"— {SITE_NAME}</title>" in html
    assert 'href="#main"' in html and '<main id="main"' in html
    for text in texts:
        assert text in html, (url, text)
    return html


def test_plugin_pages_render_on_the_core_layout(client, host_site):
    get_page(client, host_site["events"].url, "Афиша", "Конференция соседей")
    get_page(
        client,
        host_site["conference"].url,
        "Конференция соседей",
        "Центральная библиотека",
        "Заседание секции краеведения",
    )
    get_page(client, host_site["session"].url, "Заседание секции краеведения", "Читальный зал")
    get_page(client, host_site["contests"].url, "Читающий город")
    get_page(client, host_site["contest"].url, "Читающий город", "Лучший клуб чтения")
    # The layout's menu lists the host site's top-level pages shown in menus; its home page
    # stays the host's own.
    html = get_page(client, host_site["session"].url)
    assert 'aria-label="Main menu"' in html
    assert ">Афиша</a>" in html and ">Конкурсы соседей</a>" in html
    assert client.get(host_site["home"].url).status_code == 200


def test_the_heroes_archive_works_in_the_host_site(client, host_site):
    """Browsing with a search in a word form, a hero's page and the OAI-PMH endpoint at the
    host's ``oai/``: the archive needs only the core."""
    get_page(client, host_site["heroes"].url + "?q=шахтёров", "Сибиряков")
    get_page(client, host_site["hero"].url, "Сибиряков Иван")
    response = client.get("/oai/", {"verb": "Identify"})
    assert response.status_code == 200
    assert b"<repositoryName>" in response.content


def test_the_dynasties_work_in_the_host_site(client, host_site):
    """The festival with its nomination and dynasty, the dynasty's page with its figures and
    family tree, and its GEDCOM file: the dynasties need only the core and the events base."""
    get_page(
        client,
        host_site["festival"].url,
        "Фестиваль библиотечных династий соседей",
        "Старейшая династия",
        f'href="{host_site["dynasty"].url}"',
        "Сибиряковы",
    )
    html = get_page(client, host_site["dynasty"].url, "Династия Сибиряковых", "Сибирякова Анна")
    assert "<svg" in html, "the family tree"
    # 36 years of the mother's service and 31 of the daughter's (calendar years, inclusive).
    assert "<dd>67</dd>" in html
    response = client.get(host_site["dynasty"].url + "gedcom/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    gedcom = response.content.decode("utf-8-sig")
    assert gedcom.startswith("0 HEAD") and "Сибирякова" in gedcom and "1 FAMC" in gedcom


@pytest.mark.parametrize(
    ("page", "route", "fields"),
    [
        ("conference", "register/", ('name="email"', 'name="consent"')),
        ("conference", "propose/", ('name="email"', 'name="title"')),
        ("contest", "submit/", ('name="email"', 'name="nomination"', 'type="file"')),
        ("festival", "zayavka/", ('name="family_name"', 'name="consent"', 'type="file"')),
    ],
)
def test_public_forms_render(client, host_site, page, route, fields):
    html = get_page(client, host_site[page].url + route, "csrfmiddlewaretoken", *fields)
    assert "<form" in html


class FormFields(HTMLParser):
    """The fields of the first POST form on a page, filled as a visitor would fill them: every
    box ticked, the first choice of every list, a text in every text field."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form, self.select = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post" and not self.data:
            self.in_form = True
        if not self.in_form:
            return
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if tag == "input" and name and kind != "file":
            value = {
                "email": "reader@library.example",
                "checkbox": attrs.get("value", "on"),
                "date": "1990-01-01",
                "hidden": attrs.get("value", ""),
                "radio": attrs.get("value", ""),
            }.get(kind, "Проверка")
            self.data.setdefault(name, value)
        elif tag == "textarea" and name:
            self.data.setdefault(name, "Проверка")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and attrs.get("value"):
            self.data.setdefault(self.select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def test_a_registration_goes_through_in_the_host_site(
    client, host_site, django_capture_on_commit_callbacks
):
    """The whole path of a public form on the core: throttle, private token, the e-mail sent
    by a task on the host's Celery app, the private status page."""
    url = host_site["conference"].url + "register/"
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, parser.data)
    assert response.status_code == 302, response.context_data["form"].errors
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@library.example"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/registration/" in line)
    status = client.get(link[link.index("/events/") :].strip())
    assert status.status_code == 200
    assert "Конференция соседей" in status.content.decode()


def test_a_wrong_private_link_gets_the_core_layout(client, host_site):
    response = client.get(host_site["conference"].url + "registration/no-such-token/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"— {SITE_NAME}</title>" in html and "Конференция соседей" in html


def test_the_plugins_speak_russian_from_their_own_catalogues(client, host_site, settings):
    """The host site has none of our LOCALE_PATHS: the Russian comes from the catalogues the core
    and the plugins ship in their own locale/ folders."""
    assert not getattr(settings, "LOCALE_PATHS", [])
    with translation.override("ru"):
        register = client.get(host_site["conference"].url + "register/").content.decode()
        submit = client.get(host_site["contest"].url + "submit/").content.decode()
    assert "Перейти к содержанию" in register  # the core's layout
    assert "Зарегистрироваться" in register  # events
    assert "Отправить работу" in submit  # contests


def test_the_jury_room_works_in_the_host_site(client, host_site, django_user_model):
    """The jury room the host includes at jury/: its sign-in page on the core's layout in
    Russian, a juror's dashboard with their contest, and the contest's unpublished results
    answered with the plugin's own «not published yet» page."""
    from contests.models import JuryMember

    with translation.override("ru"):
        html = client.get("/jury/login/").content.decode()
    assert 'href="#main"' in html and "Вход для жюри" in html
    juror = django_user_model.objects.create_user("juror", "juror@library.example", "секрет-123")
    JuryMember.objects.create(contest=host_site["contest"], user=juror)
    client.force_login(juror)
    dashboard = client.get("/jury/")
    assert dashboard.status_code == 200 and "Читающий город" in dashboard.content.decode()
    results = client.get(host_site["contest"].url + "results/")
    assert results.status_code == 404 and f"— {SITE_NAME}</title>" in results.content.decode()
