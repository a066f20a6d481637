"""Wagtail's admin works under the production Content-Security-Policy: the editor of every page
type and every snippet (add and edit), and the preview of every page, open in chromium without a
single CSP violation or script error; an editor sets a conference's start with the date and time
picker; the public site keeps its strict policy (scripts from the site only).

The policy is read from ``kuzbib_site.settings.production`` in a fresh interpreter (it needs its
environment variables), less ``upgrade-insecure-requests``: the live server speaks plain HTTP, and
that directive would make chromium ask for https:// subresources it cannot get.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from tests import admin_world
from tests.admin_world import custom_admin_urls, editor_urls, listing_urls

# The shared fixtures of the admin's walk (tests/admin_world.py).
festival_tree = admin_world.festival_tree
every_page_type = admin_world.every_page_type
every_snippet = admin_world.every_snippet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.production",
    "SECRET_KEY": "k" * 20 + "-Csp-Probe-Secret-For-The-Browser-Test-0123456789",
    "ALLOWED_HOSTS": "kuzbib.example",
    "DATABASE_URL": "postgres://kuzbib@127.0.0.1:5432/kuzbib",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "CONTENT_SECURITY_POLICY": settings.CONTENT_SECURITY_POLICY,
    "ADMIN_CONTENT_SECURITY_POLICY": settings.ADMIN_CONTENT_SECURITY_POLICY,
    "WAGTAIL_GRAVATAR_PROVIDER_URL": settings.WAGTAIL_GRAVATAR_PROVIDER_URL,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
}))
"""

# Every securitypolicyviolation event of every frame (the preview's iframe too) is reported.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolation({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        where: `${event.sourceFile}:${event.lineNumber}`,
        sample: event.sample,
    });
});
"""


CLOSED_SIDE_PANELS = 'try { localStorage.removeItem("wagtail:side-panel-open"); } catch (e) {}'


@pytest.fixture(scope="module")
def production():
    """The production settings that shape the CSP, read in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives.pop("upgrade-insecure-requests") is True  # left out: plain-HTTP live server
    return values


@pytest.fixture
def production_csp(settings, production):
    for name, value in production.items():
        setattr(settings, name, value)
    return production


@pytest.fixture
def csp_report(page):
    """CSP violations, CSP console errors and uncaught script errors of every page the test
    opens afterwards."""
    report = {"violations": [], "console": [], "errors": []}
    page.context.expose_binding(
        "__cspViolation",
        lambda source, violation: report["violations"].append(
            {**violation, "page": source["frame"].url}
        ),
    )
    page.context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            report["console"].append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: report["errors"].append(f"{page.url}: {error}"))
    return report


def assert_clean(report, what):
    problems = report["violations"] + report["console"] + report["errors"]
    assert not problems, f"{what}:\n" + "\n".join(map(str, problems))


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    """A superuser — an editor of every page type and snippet — signed in through a session
    cookie (the login form may be throttled; the session is what matters here)."""
    user = django_user_model.objects.create_superuser(
        "glavred", "glavred@example.ru", "Шахтёрская-лампа-1987"
    )
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_editor_and_preview_opens_without_csp_violations(
    page, production_csp, csp_report, signed_in, every_page_type, every_snippet, axe_check
):
    urls = editor_urls(every_page_type, every_snippet, signed_in)
    snippet_views = [url for url in urls if url.startswith("/admin/snippets/")]
    assert len(snippet_views) >= len(get_snippet_models())
    # The listings (an entry's and an application's page among them) and our own admin views:
    # the jury, an entry's status forms with its «may reveal the author» flag, the archives, the
    # heroes' import with a checked spreadsheet, the dynasties' decisions, the reports.
    urls += listing_urls(every_page_type, every_snippet, signed_in)
    urls += custom_admin_urls(every_page_type, every_snippet, signed_in)
    # Wagtail reopens the side panel last open (localStorage); each editor opens its preview.
    page.context.add_init_script(CLOSED_SIDE_PANELS)
    # The dashboard first: it shows avatars and, by default, asks a third party for releases.
    for url in [reverse("wagtailadmin_home"), *urls]:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.url.endswith(url), f"{url} went to {page.url}"
        page.wait_for_load_state("networkidle")
        if "/pages/" in url and "/edit/" in url:
            # The preview renders the public page's template inside the admin.
            page.locator('[data-side-panel-toggle="preview"]').click()
            # The site's own layout (its <main>) in the frame: the public template rendered.
            page.frame_locator("#w-preview-iframe").locator("main#main").wait_for()
            # Loaded with everything it asks for (the editor itself keeps pinging the server).
            preview = page.locator("#w-preview-iframe").element_handle().content_frame()
            preview.wait_for_load_state("load")
        assert_clean(csp_report, f"CSP problems on {url}")
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
    conference = conference_tree_page(every_page_type, "ConferencePage")
    page.goto(reverse("wagtailadmin_pages:edit", args=[conference.pk]))
    axe_check(page)


def conference_tree_page(pages, name):
    return next(page for model, page in pages.items() if model.__name__ == name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_sets_the_conference_start_with_the_picker(
    page, production_csp, csp_report, signed_in, conference_tree
):
    conference = conference_tree["conference"]
    page.goto(reverse("wagtailadmin_pages:edit", args=[conference.pk]))
    field = page.locator("#id_start")
    field.click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    # The picker opens on the field's month, December 2008 (its months count from 0).
    picker.locator('td.xdsoft_date[data-date="15"][data-month="11"][data-year="2008"]').click()
    picker.locator('.xdsoft_time[data-hour="9"][data-minute="0"]').click()
    assert field.input_value() == "15.12.2008 09:00"
    # «Save draft», the menu's default action, comes before the events app's «Save schedule».
    page.locator("#page-edit-form button.action-save").first.click()
    page.wait_for_url("**/edit/")
    page.wait_for_load_state("networkidle")
    assert_clean(csp_report, "CSP problems while picking a date")
    conference.refresh_from_db()
    draft = conference.get_latest_revision_as_object()
    kemerovo = ZoneInfo(django_settings.TIME_ZONE)
    assert draft.start.astimezone(kemerovo) == datetime.datetime(
        2008, 12, 15, 9, 0, tzinfo=kemerovo
    )
    assert conference.start.astimezone(kemerovo).date() == datetime.date(2008, 12, 16)  # live


@pytest.mark.django_db
def test_the_public_site_keeps_the_strict_policy_and_the_admin_gets_its_own(
    client, production_csp, home_page, admin_user
):
    public = client.get("/")["Content-Security-Policy"]
    script_src = next(d for d in public.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    client.force_login(admin_user)
    admin = client.get(reverse("wagtailadmin_home"))["Content-Security-Policy"]
    script_src = next(d for d in admin.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" in script_src.split()
    assert "'nonce-" not in admin  # a nonce would make browsers ignore 'unsafe-inline'
    assert production_csp["WAGTAIL_GRAVATAR_PROVIDER_URL"] is None
    assert "gravatar" not in client.get(reverse("wagtailadmin_home")).content.decode()


HEADERS_PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client()
print(json.dumps({
    path: client.get(path, secure=True, HTTP_HOST="kuzbib.example")["Content-Security-Policy"]
    for path in ("/healthz", "/admin/")
}))
"""


def test_production_sends_both_policies_with_upgrade_insecure_requests():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_PROBE],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    for path, header in headers.items():
        directives = {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}
        assert "upgrade-insecure-requests" in directives, path
        assert directives["object-src"] == ["'none'"], path
    public = {d.split()[0]: d.split()[1:] for d in headers["/healthz"].split(";") if d.strip()}
    admin = {d.split()[0]: d.split()[1:] for d in headers["/admin/"].split(";") if d.strip()}
    assert public["script-src"] == ["'self'"]
    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
