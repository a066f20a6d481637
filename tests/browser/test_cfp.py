"""A speaker proposes a report, the section's leader accepts it into a session, and it appears in
the programme — in chromium, with axe-core on the public pages."""

import pytest
from django.core import mail

from events.models import Proposal
from tests.factories import LibraryFactory
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
    page.locator("form.registration-form button[type=submit]").click()
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
