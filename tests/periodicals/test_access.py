"""Who may read an issue (periodicals/access.py), from each side: an open issue for everyone, a
reading-room issue inside a member library's network and outside it, a metadata-only issue,
an editor who may edit the issue, a signed-in user who may not, and anonymous visitors — for the
viewer, tiles, info.json, text, ALTO, PDF, clips, the manifest and the content search's
snippets. A reading-room answer depends on the client's address, so the page cache never keeps
it; the setting's networks are checked at start-up."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from wagtail.models import GroupPagePermission

from kuzbib_site.base import page_cache
from periodicals import access as access_module
from tests.factories.periodicals import PeriodicalsIndexPageFactory, TitlePageFactory
from tests.periodicals.reader_world import reader_issue

pytestmark = pytest.mark.django_db

INSIDE = "192.0.2.17"
OUTSIDE = "198.51.100.9"
INSIDE_V6 = "2001:db8:5::1"


@pytest.fixture(autouse=True)
def reading_rooms(settings):
    settings.KUZBIB_PERIODICALS = {
        **getattr(settings, "KUZBIB_PERIODICALS", {}),
        "READING_ROOM_NETWORKS": ["192.0.2.0/24", "2001:db8:5::/48"],
    }


@pytest.fixture
def title(home_page):
    archive = PeriodicalsIndexPageFactory(parent=home_page)
    return TitlePageFactory(parent=archive, title="Кузнецкий рабочий", slug="kr")


@pytest.fixture
def issues(title):
    pages = [[("Шахтёры", "Кузбасса", "выполнили", "план")]]
    return {
        level: reader_issue(title, access=level, pages=pages, number=str(index))
        for index, level in enumerate(("open", "reading_room", "metadata"), start=1)
    }


def urls(issue):
    """Every route that gives away the issue's content, with the status a reader gets."""
    scan = issue.scans.get(number=1)
    base = f"/iiif/periodicals/{scan.pk}/"
    return [
        f"{base}info.json",
        f"{base}full/max/0/default.jpg",
        f"{base}0,0,512,512/512,512/0/default.jpg",
        f"{issue.url}1/text/",
        f"{issue.url}1/alto/",
        f"{issue.url}1/pdf/",
        f"{issue.url}klip/1/0-0-100-100/",
        f"{issue.url}klip/1/0-0-100-100/image/",
        f"{issue.url}search/?q=шахтёров",
        f"{issue.url}search2/?q=шахтёров",
    ]


def reads_in_full(client, issue, **extra):
    """Whether ``client`` gets the issue's content: the viewer, the text, the manifest's images,
    every content route — all or nothing."""
    page = client.get(issue.url, **extra)
    assert page.status_code == 200
    html = page.content.decode()
    statuses = {url: client.get(url, **extra).status_code for url in urls(issue)}
    manifest = json.loads(client.get(f"{issue.url}manifest/", **extra).content)
    canvas = manifest["items"][0]
    full = "reader-viewer" in html
    if full:
        assert "Шахтёры Кузбасса" in html
        assert set(statuses.values()) == {200}, statuses
        assert "items" in canvas and "service" in manifest
    else:
        assert "Шахтёры" not in html and "/iiif/periodicals/" not in html
        assert set(statuses.values()) == {403}, statuses
        assert "items" not in canvas and "service" not in manifest
        # The description stays public, with the notice saying why there is no more.
        assert issue.date.strftime("%Y") in html and 'class="notice notice--info"' in html
    return full


def test_an_open_issue_is_read_by_everyone(client, issues):
    assert reads_in_full(client, issues["open"], REMOTE_ADDR=OUTSIDE)
    assert reads_in_full(client, issues["open"], REMOTE_ADDR=INSIDE)


def test_a_reading_room_issue_inside_and_outside(client, issues):
    issue = issues["reading_room"]
    assert reads_in_full(client, issue, REMOTE_ADDR=INSIDE)
    assert reads_in_full(client, issue, REMOTE_ADDR=INSIDE_V6)
    assert reads_in_full(client, issue, REMOTE_ADDR=f"::ffff:{INSIDE}")
    assert not reads_in_full(client, issue, REMOTE_ADDR=OUTSIDE)
    assert not reads_in_full(client, issue, REMOTE_ADDR="not-an-address")


def test_a_forged_forwarded_for_does_not_open_the_reading_room(client, issues, settings):
    issue = issues["reading_room"]
    assert not reads_in_full(client, issue, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR=INSIDE)
    # Behind one proxy of ours, the address it saw is the client's.
    settings.KUZBIB_BASE = {
        **settings.KUZBIB_BASE,
        "THROTTLE": {**settings.KUZBIB_BASE["THROTTLE"], "TRUSTED_PROXY_DEPTH": 1},
    }
    assert reads_in_full(
        client, issue, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{OUTSIDE}, {INSIDE}"
    )
    assert not reads_in_full(
        client, issue, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{INSIDE}, {OUTSIDE}"
    )


def test_a_metadata_issue_is_described_only_even_in_a_reading_room(client, issues):
    assert not reads_in_full(client, issues["metadata"], REMOTE_ADDR=INSIDE)
    assert not reads_in_full(client, issues["metadata"], REMOTE_ADDR=OUTSIDE)


def test_an_editor_of_the_issue_reads_everything(client, issues, django_user_model, title):
    from django.contrib.auth.models import Group, Permission

    editors = Group.objects.create(name="Редакторы периодики")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=editors, page=title, permission_type="change")
    editor = django_user_model.objects.create_user("editor", password="x" * 12)
    editor.groups.add(editors)
    client.force_login(editor)
    for issue in issues.values():
        assert reads_in_full(client, issue, REMOTE_ADDR=OUTSIDE)
    # An editor's answers are never kept for anyone else.
    response = client.get(f"{issues['metadata'].url}1/text/", REMOTE_ADDR=OUTSIDE)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_signed_in_user_without_edit_rights_is_a_reader(client, issues, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    assert not reads_in_full(client, issues["metadata"], REMOTE_ADDR=OUTSIDE)
    assert not reads_in_full(client, issues["reading_room"], REMOTE_ADDR=OUTSIDE)
    assert reads_in_full(client, issues["reading_room"], REMOTE_ADDR=INSIDE)


def test_caching_follows_the_access(client, issues, settings):
    open_tile = client.get(urls(issues["open"])[1], REMOTE_ADDR=OUTSIDE)
    assert "public" in open_tile["Cache-Control"] and "max-age=604800" in open_tile["Cache-Control"]
    room_tile = client.get(urls(issues["reading_room"])[1], REMOTE_ADDR=INSIDE)
    assert "no-store" in room_tile["Cache-Control"] and "private" in room_tile["Cache-Control"]
    assert "public" not in room_tile["Cache-Control"]
    assert room_tile["Access-Control-Allow-Origin"] == "*"
    # Downloads are the browser's to keep, never the shared page cache's.
    for path in ("1/pdf/", "1/text/", "klip/1/0-0-100-100/image/"):
        response = client.get(f"{issues['open'].url}{path}", REMOTE_ADDR=OUTSIDE)
        assert response["Cache-Control"] == "private, max-age=86400", path


def test_the_page_cache_never_shares_a_reading_room_page(issues, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "PAGE_CACHE": {"ENABLED": True}}
    cache.clear()
    issue = issues["reading_room"]
    inside, outside = Client(REMOTE_ADDR=INSIDE), Client(REMOTE_ADDR=OUTSIDE)
    for url in (issue.url, f"{issue.url}manifest/"):
        first = inside.get(url)
        assert first[page_cache.HEADER] == "bypass"
        assert "no-store" in first["Cache-Control"]
        later = outside.get(url)
        assert later[page_cache.HEADER] == "bypass"
        assert "Шахтёры" not in later.content.decode()
        assert "/iiif/periodicals/" not in later.content.decode()
    # An open issue's page is cached as any page is.
    open_issue = issues["open"]
    assert outside.get(open_issue.url)[page_cache.HEADER] == "miss"
    assert inside.get(open_issue.url)[page_cache.HEADER] == "hit"
    cache.clear()


def test_bad_reading_room_networks_stop_the_site(settings):
    settings.KUZBIB_PERIODICALS = {"READING_ROOM_NETWORKS": ["192.0.2.0/24", "192.0.2.300/24"]}
    errors = access_module.check_reading_room_networks()
    assert [error.id for error in errors] == ["periodicals.E002"]
    assert "192.0.2.300/24" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")
    settings.KUZBIB_PERIODICALS = {"READING_ROOM_NETWORKS": "192.0.2.0/24"}
    assert [error.id for error in access_module.check_reading_room_networks()] == [
        "periodicals.E001"
    ]
    settings.KUZBIB_PERIODICALS = {"READING_ROOM_NETWORKS": ["192.0.2.0/24", "2001:db8::/32"]}
    assert access_module.check_reading_room_networks() == []
