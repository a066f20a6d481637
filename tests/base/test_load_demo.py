import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from contests.models import ContestPage, Diploma, EntryFlag, Result
from events.models import ResolutionItem, Talk
from kuzbib_site.base.models import Library, MembershipFee, Municipality
from kuzbib_site.home.models import HomePage, LibraryIndexPage, StandardPage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def load(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_load_demo_builds_the_site_and_prints_the_login(demo_site, client):
    assert "login: admin" in demo_site.output and "password:" in demo_site.output
    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk
    # Every library has a (generated, labelled) picture.
    assert not Library.objects.filter(image__isnull=True).exists()
    assert Library.objects.first().image.title.startswith("Демонстрационное изображение")
    # «КНИГИНЯ» transliterated right, and the old address kept.
    response = client.get("/contests/knyaginya-2009/")
    assert response.status_code == 301 and response["Location"].endswith("/contests/kniginya-2009/")
    assert StandardPage.objects.child_of(home).filter(slug="about").exists()
    assert LibraryIndexPage.objects.child_of(home).exists()
    izhmorsky = Library.objects.get(short_name="Ижморская МЦРБ")
    assert izhmorsky.full_name == "Межпоселенческая центральная районная библиотека"
    assert izhmorsky.municipality.name == "Ижморский муниципальный район"
    assert izhmorsky.member_since == datetime.date(2008, 12, 16)
    assert Municipality.objects.filter(name="Кемерово").exists()
    assert MembershipFee.objects.unpaid().exists()
    assert get_user_model().objects.get(username="admin").is_superuser
    for url in ("/", "/about/", "/libraries/", "/search/?q=библиотеки"):
        assert client.get(url).status_code == 200, url
    assert (
        "Межпоселенческая центральная районная библиотека"
        in client.get("/libraries/").content.decode()
    )


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "ftp://example.org", "http://", "javascript:x"])
def test_load_demo_refuses_an_address_it_cannot_serve(url):
    with pytest.raises(CommandError, match="--url"):
        load(url=url)


def test_load_demo_again_changes_nothing_but_the_address_and_password(
    demo_site, django_capture_on_commit_callbacks, mailoutbox
):
    """The one test that loads the demo a second time (it takes a minute or two): over the
    demo as ``make demo`` left it, served at another address with another admin password."""
    contest = ContestPage.objects.get(slug="kniginya-2009")

    def state():
        return {
            "counts": (
                Page.objects.count(),
                Library.objects.count(),
                Municipality.objects.count(),
                MembershipFee.objects.count(),
                get_user_model().objects.count(),
            ),
            "entries": list(
                contest.entries.order_by("number").values_list("pk", "number", "status")
            ),
            "flags": EntryFlag.objects.filter(entry__contest=contest)
            .exclude(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR)
            .count(),
            "results": Result.objects.filter(contest=contest).count(),
            "diplomas": Diploma.objects.filter(contest=contest).count(),
            "resolution": ResolutionItem.objects.count(),
            "talks": Talk.objects.count(),
        }

    before = state()
    assert (before["flags"], before["results"], before["diplomas"]) == (2, 27, 27)
    assert (before["resolution"], before["talks"]) == (23, 20)
    # The tasks sent on commit run, as after the command: they find nothing left to do.
    with django_capture_on_commit_callbacks(execute=True):
        output = load(admin_password="demo-pass-123", url="http://127.0.0.1:8123")
    assert state() == before
    assert mailoutbox == []
    assert "login: admin" in output and "demo-pass-123" in output
    # It prints where it serves, and the site's links (e-mails) carry that port.
    assert "Admin: http://127.0.0.1:8123/admin/" in output
    assert "8000" not in output
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert HomePage.objects.get().get_full_url() == "http://127.0.0.1:8123/"
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("demo-pass-123")
