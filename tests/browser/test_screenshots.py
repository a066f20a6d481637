"""Every public page type of the demo site, as a visitor sees it, at 1366 and 390 px: none
scrolls sideways on a phone and each is axe-clean at both widths. The screenshots are the
README's (``docs/screenshots/``): ``make screenshots`` refreshes them by running this test with
``KUZBIB_SCREENSHOTS=docs/screenshots``; otherwise they go to the test's temporary folder.

The demo, not a fixture's page tree: the screenshots show real content, and the demo is what
a new user first opens."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from contests.models import ContestPage
from dynasties.models import DynastyPage, FestivalPage
from events.models import (
    ConferencePage,
    EventIndexPage,
    ResolutionPage,
    SectionIndexPage,
    SectionPage,
    SectionSessionPage,
)
from heroes_archive.models import HeroIndexPage, HeroPage
from kuzbib_site.home.models import LibraryIndexPage, StandardPage
from tests.conftest import ensure_wagtail_root

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})


def demo_pages():
    """name → path of one page of each public type in the demo."""
    conference = ConferencePage.objects.get(slug="viii-session-2008")
    upcoming = ConferencePage.objects.live().order_by("-start").first()
    contest = ContestPage.objects.get(slug="kniginya-2009")
    open_contest = next(page for page in ContestPage.objects.live() if page.submission_stage())
    heroes = HeroIndexPage.objects.live().first()
    festival = FestivalPage.objects.live().order_by("-start").first()
    return {
        "home": "/",
        "page": StandardPage.objects.live().first().url,
        "libraries": LibraryIndexPage.objects.live().first().url,
        "events": EventIndexPage.objects.live().first().url,
        "conference": conference.url,
        "conference-upcoming": upcoming.url,
        "programme": f"{conference.url}programme/",
        "session": SectionSessionPage.objects.live().child_of(conference).first().url,
        "registration": f"{upcoming.url}register/",
        "proposal": f"{upcoming.url}propose/",
        "sections": SectionIndexPage.objects.live().first().url,
        "section": SectionPage.objects.live().first().url,
        "resolution": ResolutionPage.objects.live().first().url,
        "contests": contest.get_parent().url,
        "contest": contest.url,
        "contest-results": f"{contest.url}results/",
        "contest-open": open_contest.url,
        "contest-entry-form": f"{open_contest.url}submit/",
        "heroes": heroes.url,
        "heroes-search": f"{heroes.url}?q=шахтёр",
        "hero": HeroPage.objects.live().first().url,
        "anniversaries": f"{heroes.url}pamyatnye-daty/",
        "festival": festival.url,
        "festival-application": f"{festival.url}zayavka/",
        "dynasty": DynastyPage.objects.live().order_by("-member_count").first().url,
        "search": "/search/?q=библиотека",
        "jury-sign-in": "/jury/login/",
        "not-found": "/net-takoy-stranitsy/",
    }


@pytest.fixture
def demo(db):
    # A transactional test before this one ended by emptying every table, Wagtail's root too.
    ensure_wagtail_root()
    call_command("load_demo", stdout=io.StringIO())
    return demo_pages()


def test_every_public_page_type_fits_a_phone_and_is_axe_clean(
    demo, browser, live_server, axe_check, tmp_path
):
    folder = Path(os.environ.get("KUZBIB_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    wide, failed = {}, {}
    for viewport in VIEWPORTS:
        context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=viewport)
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            for name, path in demo.items():
                response = page.goto(path)
                if response.status != (404 if name == "not-found" else 200):
                    failed[name] = response.status
                    continue
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    wide[f"{name} at {viewport['width']}"] = width
                axe_check(page)
                # The top of a long page (two screens at most): the README's pictures
                # stay small, and what is below repeats the same components.
                height = page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(
                    path=str(folder / f"{name}-{viewport['width']}.jpg"),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": viewport["width"], "height": min(height, 1800)},
                    type="jpeg",
                    quality=50,
                )
        finally:
            context.close()
    assert failed == {}, f"pages that did not open: {failed}"
    assert wide == {}, f"pages wider than the screen: {wide}"
