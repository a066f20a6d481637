"""A juror on a phone (390 px) scores an entry blind: opens the jury room, opens an entry that
names nobody, saves a draft, sends the scores after confirming and finds the sheet locked — in
chromium, with axe-core on each page."""

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client

from contests import assignment
from contests.models import Judging, ScoreSheet
from tests.factories import files as sample
from tests.factories.base import LibraryFactory
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import EntryFileFactory, judged_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args():
    return {"locale": "ru-RU", "viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture
def juror(home_page):
    """A blind contest with two entries by Дарья Соколова of a Mariinsk library, judging open,
    every juror on every entry; the juror (not the chair)."""
    index = ContestIndexPageFactory(parent=home_page)
    contest = judged_contest(index, entries=2, jurors=2, blind_judging=True)
    library = LibraryFactory(full_name="Мариинская центральная библиотека")
    for entry in contest.entries.all():
        entry.last_name, entry.first_name, entry.library = "Соколова", "Дарья", library
        entry.email = "sokolova@example.ru"
        entry.save()
        EntryFileFactory(
            entry=entry,
            original_name="Соколова_проект.pdf",
            text="Проект Соколовой Дарьи.",
            blind_file=ContentFile(sample.pdf(), name="blind.pdf"),
            blind_text="Проект [автор].",
            preview=ContentFile(sample.image(size=(300, 420)), name="preview.png"),
        )
    Judging.objects.create(contest=contest, state=Judging.State.OPEN)
    assignment.assign(contest)
    return contest.jury.get(role="member")


def sign_in(page, live_server, user):
    """The juror's session as a cookie (the sign-in page is the invitations' own test)."""
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


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_juror_scores_an_entry_blind_on_a_phone(page, live_server, juror, axe_check):
    sign_in(page, live_server, juror.user)
    criteria = list(juror.contest.criteria.order_by("sort_order"))

    page.goto("/jury/")
    assert juror.contest.title in page.locator("main").inner_text()
    axe_check(page)
    assert fits_the_phone(page)

    page.locator(".jury-entry-link").first.click()
    page.wait_for_url("**/entry/**")
    main = page.locator("main").inner_text()
    for hidden in ("Соколова", "Дарья", "Мариинская", "sokolova@example.ru"):
        assert hidden not in main, hidden
    download_name = page.locator(".jury-file h3 a").first.inner_text()
    assert download_name.endswith("-1.pdf") and download_name.isascii()
    # The preview loads lazily: once scrolled to, it is the picture served to the juror.
    preview = page.locator(".jury-file__preview").first
    preview.scroll_into_view_if_needed()
    preview.evaluate(
        "img => img.complete && img.naturalWidth ? null"
        " : new Promise(done => img.addEventListener('load', done, {once: true}))"
    )
    assert preview.evaluate("img => img.naturalWidth") == 300
    axe_check(page)
    assert fits_the_phone(page)

    # A draft with the first criterion only.
    page.fill(f"#id_score_{criteria[0].pk}", "8")
    page.fill(f"#id_comment_{criteria[0].pk}", "Продуманный проект")
    page.locator("button[value=save]").click()
    page.locator(".jury-message").wait_for()
    sheet = ScoreSheet.objects.get(assignment__juror=juror)
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.scores.get().value == 8
    assert page.input_value(f"#id_score_{criteria[0].pk}") == "8"
    axe_check(page)

    # Sending asks to confirm; then the sheet is locked.
    page.fill(f"#id_score_{criteria[1].pk}", "4")
    page.locator("button[value=submit]").click()
    page.wait_for_url("**?confirm=1*")
    assert "Продуманный проект" in page.locator("#confirm").inner_text()
    axe_check(page)
    page.locator("button[value=confirm]").click()
    page.locator(".jury-message").wait_for()
    sheet.refresh_from_db()
    assert sheet.is_submitted
    assert page.locator(f"#id_score_{criteria[0].pk}").count() == 0
    assert page.locator("button[value=save]").count() == 0
    summary = page.locator(".jury-summary").inner_text()
    assert "8" in summary and "4" in summary and "Продуманный проект" in summary
    axe_check(page)
    assert fits_the_phone(page)

    page.goto("/jury/")
    assert page.locator(".jury-sheet-state--sent").count() == 1
    assert page.locator(".jury-sheet-state--new").count() == 1
