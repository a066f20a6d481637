import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from kuzbib_site.base.models import Library, MembershipFee, Municipality
from kuzbib_site.home.models import HomePage, LibraryIndexPage, StandardPage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def load(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_load_demo_builds_the_site_and_prints_the_login(client):
    output = load(admin_password="demo-pass-123")
    assert "login: admin" in output and "demo-pass-123" in output
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert StandardPage.objects.child_of(home).filter(slug="about").exists()
    assert LibraryIndexPage.objects.child_of(home).exists()
    izhmorsky = Library.objects.get(short_name="Ижморская МЦРБ")
    assert izhmorsky.full_name == "Межпоселенческая центральная районная библиотека"
    assert izhmorsky.municipality.name == "Ижморский муниципальный район"
    assert izhmorsky.member_since == datetime.date(2008, 12, 16)
    assert Municipality.objects.filter(name="Кемерово").exists()
    assert MembershipFee.objects.unpaid().exists()
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("demo-pass-123")
    for url in ("/", "/about/", "/libraries/", "/search/?q=библиотеки"):
        assert client.get(url).status_code == 200, url
    assert (
        "Межпоселенческая центральная районная библиотека"
        in client.get("/libraries/").content.decode()
    )


def test_load_demo_is_idempotent():
    load()
    counts = (
        Page.objects.count(),
        Library.objects.count(),
        Municipality.objects.count(),
        MembershipFee.objects.count(),
        get_user_model().objects.count(),
    )
    output = load()
    assert (
        Page.objects.count(),
        Library.objects.count(),
        Municipality.objects.count(),
        MembershipFee.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    assert "password:" in output
