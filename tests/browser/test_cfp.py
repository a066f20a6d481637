"""A speaker proposes a report, the section's leader accepts it into a session, and it appears in
the programme — in chromium, with axe-core on the public pages. On a 390 px phone the form names
the file to attach again after a mistake, and withdrawing a proposal asks first."""

import re

import pytest
from django.core import mail

from events.models import Proposal
from tests.factories import LibraryFactory
from tests.factories import files as sample
from tests.factories.events import open_cfp, section_leader

pytestmark = pytest.mark.browser


def test_speaker_proposes_leader_accepts_talk_in_programme(
    page, conference_tree, axe_check, django_user_model
):
    open_cfp(conference_tree["conference"], days=5)
    LibraryFactory(full_name="Ижморская межпоселенческая библиотека")
    leader = django_user_model.objects.create_user("leader", password="секрет-123")
    section_leader(leader, (conference_tree["methodology"], conference_tree["sessions"][0]))

    page.goto("/events/viii/propose/")
    axe_check(page)
    page.select_option("#id_section", str(conference_tree["methodology"].pk))
    page.fill("#id_title", "Клубы чтения в сельской библиотеке")
    page.fill("#id_abstract", "Как мы собрали клуб чтения для подростков.")
    page.fill("#id_last_name", "Петрова")
    page.fill("#id_first_name", "Анна")
    page.fill("#id_email", "petrova@example.ru")
    page.select_option("#id_library", label="Ижморская межпоселенческая библиотека")
    page.check("#id_consent")
    page.locator("#proposal-form button[type=submit]").click()
    page.wait_for_url("**/propose/done/")
    axe_check(page)
    proposal = Proposal.objects.get()
    assert mail.outbox and proposal.token in mail.outbox[-1].body

    page.goto("/admin/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "секрет-123")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/events/proposals/{proposal.pk}/decide/")
    page.check("input[name=decision][value=accept]")
    page.select_option("select[name=session]", str(conference_tree["sessions"][0].pk))
    page.fill("textarea[name=message]", "Ждём вас!")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/admin/events/proposals/{proposal.pk}/decide/")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED

    page.goto(conference_tree["sessions"][0].url)
    assert "Клубы чтения в сельской библиотеке" in page.locator("main").inner_text()
    page.goto(f"/events/viii/proposal/{proposal.token}/")
    assert "Ждём вас!" in page.locator("main").inner_text()
    axe_check(page)


PHONE = {"width": 390, "height": 844}


def fits_the_phone(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px phone"


def test_on_a_phone_the_form_asks_for_the_file_again_and_withdrawing_asks_first(
    browser, live_server, conference_tree, axe_check, tmp_path
):
    open_cfp(conference_tree["conference"], days=5)
    LibraryFactory(full_name="Ижморская межпоселенческая библиотека")
    theses = tmp_path / "тезисы.pdf"
    theses.write_bytes(sample.pdf())
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    page.goto("/events/viii/propose/")
    fits_the_phone(page)
    axe_check(page)
    page.select_option("#id_section", str(conference_tree["methodology"].pk))
    page.fill("#id_abstract", "Как мы собрали клуб чтения для подростков.")
    page.fill("#id_last_name", "Петрова")
    page.fill("#id_first_name", "Анна")
    page.fill("#id_email", "petrova@example.ru")
    page.select_option("#id_library", label="Ижморская межпоселенческая библиотека")
    page.check("#id_consent")
    page.set_input_files("#id_file", str(theses))
    # The title is forgotten: the page comes back and names the file to choose again.
    page.locator("#proposal-form button[type=submit]").click()
    page.wait_for_load_state()
    notice = page.locator("#reattach-notice")
    assert notice.is_visible()
    assert notice.locator("a[href='#id_file']").count() == 1
    assert page.locator("#id_file_reattach").is_visible()
    assert "id_file_reattach" in page.locator("#id_file").get_attribute("aria-describedby")
    assert page.locator("#id_last_name").input_value() == "Петрова"
    fits_the_phone(page)
    axe_check(page)

    page.fill("#id_title", "Клубы чтения в сельской библиотеке")
    page.set_input_files("#id_file", str(theses))
    page.locator("#proposal-form button[type=submit]").click()
    page.wait_for_url("**/propose/done/")
    proposal = Proposal.objects.get()
    assert proposal.file

    link = re.sub(
        r"^https?://[^/]+",
        "",
        re.search(r"https?://\S+/proposal/[\w-]+/", mail.outbox[-1].body).group(0),
    )
    page.goto(link)
    fits_the_phone(page)
    axe_check(page)
    withdraw = page.locator(f"a[href='{link}withdraw/']")
    assert "button--quiet" in withdraw.get_attribute("class")
    withdraw.click()
    page.wait_for_url("**/withdraw/")
    fits_the_phone(page)
    axe_check(page)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    page.locator("#withdraw-form button[type=submit]").click()
    page.wait_for_url(f"**{link}")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    context.close()
