"""A librarian registers for a conference in a real browser, gets the e-mail, opens the private
link and cancels; the first person on the waitlist is promoted and told so. Every page passes
axe-core.

The live server runs in the test process with eager Celery, so the e-mails land in
``django.core.mail.outbox``."""

import re

import pytest
from django.core import mail

from events.models import Registration
from tests.factories.events import open_registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"], capacity=1)


def fill_and_submit(page, name, email):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_new_library_name", "Сельская библиотека п. Шерегеш")
    page.fill("#id_position", "библиотекарь")
    page.check("#id_role_0")
    page.check("#id_consent")
    page.locator("form.registration-form button[type=submit]").click()
    page.wait_for_load_state()


def test_register_cancel_and_promote(conference, page, axe_check):
    page.goto(conference.url)
    page.locator(f"a[href='{conference.url}register/']").click()
    assert page.locator("h1").count() == 1
    axe_check(page)

    # A submission with errors keeps what was typed and is still accessible.
    page.fill("#id_name", "Андреева Анна")
    page.fill("#id_email", "not-an-email")
    page.locator("form.registration-form button[type=submit]").click()
    assert page.locator("#id_name").input_value() == "Андреева Анна"
    assert page.locator(".form-errors").count() == 1
    axe_check(page)

    fill_and_submit(page, "Андреева Анна", "andreeva@library.example.ru")
    assert page.url.endswith("/register/done/")
    axe_check(page)

    page.goto(f"{conference.url}register/")
    fill_and_submit(page, "Белова Вера", "belova@library.example.ru")
    assert page.url.endswith("/register/done/")

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "andreeva@library.example.ru": "confirmed",
        "belova@library.example.ru": "waitlisted",
    }
    to_andreeva = [m for m in mail.outbox if m.to == ["andreeva@library.example.ru"]]
    assert len(to_andreeva) == 1
    link = re.search(r"https?://\S+/registration/[\w-]+/", to_andreeva[0].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    assert page.locator(".registration-status").get_attribute("data-status") == "confirmed"
    assert "Андреева Анна" in page.locator("main").inner_text()
    axe_check(page)

    page.locator("form.registration-cancel button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".registration-status").get_attribute("data-status") == "cancelled"
    assert page.locator("form.registration-cancel").count() == 0

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "andreeva@library.example.ru": "cancelled",
        "belova@library.example.ru": "confirmed",
    }
    to_belova = [m for m in mail.outbox if m.to == ["belova@library.example.ru"]]
    assert len(to_belova) == 2  # waitlisted, then promoted
    belova = Registration.objects.get(email="belova@library.example.ru")
    assert to_belova[-1].body.count(belova.token) == 1
