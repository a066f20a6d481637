"""A participant downloads their diploma from their private page, and a visitor checks it on
the page its QR code and printed address lead to — in chromium, with axe-core on each page."""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from contests import diplomas
from contests.models import Diploma, DiplomaBatch, JuryMember
from tests.browser.test_jury_results import sign_in
from tests.factories.documents import publish_results
from tests.factories.jury import EntryFactory, JuryMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ru(message):
    with translation.override("ru"):
        return gettext(message)


def test_a_participant_downloads_the_diploma_and_a_visitor_checks_it(page, contest, axe_check):
    winner = EntryFactory(contest=contest, last_name="Соколова", first_name="Дарья")
    EntryFactory(contest=contest)
    chair = JuryMemberFactory(contest=contest, role=JuryMember.Role.CHAIR).user
    publish_results(contest)
    diplomas.request(contest, chair)  # Celery runs eagerly: the batch is built on commit
    diploma = Diploma.objects.get(entry=winner)

    page.goto(contest.url + f"entry/{winner.token}/")
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=ru("Download the diploma")).click()
    saved = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename.endswith("-D-001.pdf")
    text = PdfReader(io.BytesIO(saved)).pages[0].extract_text()
    assert "Соколова Дарья" in text and diploma.number in text

    # The address printed under the QR code, opened on this server.
    printed = re.search(r"https?://\S+?/diploma/\S+?/", re.sub(r"\s+", "", text)).group(0)
    assert printed == diplomas.verification_url(diploma, contest)
    response = page.goto(urlsplit(printed).path)
    assert response.status == 200
    main = page.locator("main").inner_text()
    assert diploma.number in main and "Соколова Дарья" in main and contest.title in main
    assert page.get_by_role("heading", name=ru("Check that a diploma is genuine")).is_visible()
    axe_check(page)


def test_the_chair_asks_for_the_diplomas_and_downloads_them_all(
    page, live_server, contest, axe_check
):
    for _ in range(3):
        EntryFactory(contest=contest)
    chair = JuryMemberFactory(contest=contest, role=JuryMember.Role.CHAIR).user
    publish_results(contest)
    sign_in(page, live_server, chair)

    page.goto(reverse("contests_jury:diplomas", args=[contest.pk]))
    axe_check(page)
    # Celery runs eagerly: the batch is built when the request commits.
    page.get_by_role("button", name=ru("Prepare")).click()
    page.wait_for_load_state()
    axe_check(page)
    batch = DiplomaBatch.objects.get()
    assert batch.status == DiplomaBatch.Status.READY, batch.error
    for diploma in Diploma.objects.all():
        assert page.get_by_role("cell", name=diploma.number, exact=True).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=ru("Download PDF")).click()
    saved = Path(download.value.path()).read_bytes()
    assert len(PdfReader(io.BytesIO(saved)).pages) == 3
