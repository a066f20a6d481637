"""«Delete my data» in a real browser: the private pages' referrer policy must still let the
browser post their own forms past the CSRF check (``no-referrer`` would send ``Origin: null``),
and the confirmation step and the result pass axe-core."""

import datetime

import pytest
from django.utils import timezone

from events.models import Registration
from tests.factories.events import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_registrant_erases_their_data(conference_tree, page, axe_check):
    conference = conference_tree["conference"]
    conference.registration_opens = timezone.now() - datetime.timedelta(days=1)
    conference.save()
    registration = RegistrationFactory(conference=conference, name="Андреева Анна")
    url = f"{conference.url}registration/{registration.token}/"
    response = page.goto(url)
    assert response.headers["referrer-policy"] == "strict-origin"
    assert response.headers["cache-control"] == "no-store"

    page.locator("#erase button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("?erase=1#erase")
    assert page.locator("#erase [role=alert]").count() == 1
    axe_check(page)
    registration.refresh_from_db()
    assert registration.anonymised_at is None

    page.locator("#erase input[name=confirm] ~ button[type=submit]").click()
    page.wait_for_load_state()
    registration = Registration.objects.get(pk=registration.pk)
    assert registration.anonymised_at is not None and registration.status == "cancelled"
    assert "Андреева" not in page.locator("main").inner_text()
    axe_check(page)
    assert page.goto(url).status == 404
