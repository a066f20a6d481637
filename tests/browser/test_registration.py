"""A librarian registers for a conference on a 390 px phone, gets the e-mail, opens the private
link and cancels — the cancellation asks first, on a page of its own that works with JavaScript
off — and the first person on the waitlist is promoted and told so. Every page passes axe-core,
none is wider than the phone, and the form's fields and buttons are large enough to tap.

The live server runs in the test process with eager Celery, so the e-mails land in
``django.core.mail.outbox``."""

import re

import pytest
from django.core import mail

from events.models import Registration
from tests.factories.events import open_registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
#: The smallest comfortable touch target (WCAG 2.5.5, Apple's and Google's guidelines).
TOUCH = 44


@pytest.fixture
def browser_context_args():
    return {"locale": "ru-RU", "viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"], capacity=1)


def fits_the_phone(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px phone"


def large_enough_to_tap(locator):
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box["height"] >= TOUCH - 0.5, (index, box)


def fill_and_submit(page, name, email):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_new_library_name", "Сельская библиотека п. Шерегеш")
    page.fill("#id_position", "библиотекарь")
    page.check("#id_role_0")
    page.check("#id_consent")
    page.locator("#registration-form button[type=submit]").click()
    page.wait_for_load_state()


def test_register_cancel_and_promote(conference, page, axe_check, browser, live_server):
    page.goto(conference.url)
    page.locator(f"a[href='{conference.url}register/']").first.click()
    page.wait_for_url("**/register/")
    assert page.locator("h1").count() == 1
    fits_the_phone(page)
    large_enough_to_tap(page.locator("#registration-form input[type=text]"))
    large_enough_to_tap(page.locator("#registration-form button[type=submit]"))
    axe_check(page)

    # A submission with errors keeps what was typed and is still accessible.
    page.fill("#id_name", "Андреева Анна")
    page.fill("#id_email", "not-an-email")
    page.locator("#registration-form button[type=submit]").click()
    assert page.locator("#id_name").input_value() == "Андреева Анна"
    assert page.locator(".form-errors").count() == 1
    fits_the_phone(page)
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
    link = re.sub(
        r"^https?://[^/]+",
        "",
        re.search(r"https?://\S+/registration/[\w-]+/", to_andreeva[0].body).group(0),
    )
    page.goto(link)
    assert page.locator(".registration-status").get_attribute("data-status") == "confirmed"
    assert "Андреева Анна" in page.locator("main").inner_text()
    fits_the_phone(page)
    axe_check(page)

    # «Cancel my registration» is a quiet button that leads to the question.
    cancel = page.locator(f"a[href='{link}cancel/']")
    assert "button--quiet" in cancel.get_attribute("class")
    cancel.click()
    page.wait_for_url("**/cancel/")
    fits_the_phone(page)
    large_enough_to_tap(page.locator("#cancel-form .button"))
    axe_check(page)
    assert Registration.objects.get(email="andreeva@library.example.ru").status == "confirmed"

    # The question's answer works with JavaScript off.
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=PHONE, java_script_enabled=False
    )
    no_script = context.new_page()
    no_script.goto(link + "cancel/")
    no_script.locator("#cancel-form button[type=submit]").click()
    no_script.wait_for_url(f"**{link}")
    assert no_script.locator(".registration-status").get_attribute("data-status") == "cancelled"
    assert no_script.locator(f"a[href='{link}cancel/']").count() == 0
    context.close()

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "andreeva@library.example.ru": "cancelled",
        "belova@library.example.ru": "confirmed",
    }
    to_belova = [m for m in mail.outbox if m.to == ["belova@library.example.ru"]]
    assert len(to_belova) == 2  # waitlisted, then promoted
    belova = Registration.objects.get(email="belova@library.example.ru")
    assert to_belova[-1].body.count(belova.token) == 1
