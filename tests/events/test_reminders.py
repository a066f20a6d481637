"""A repeated registration (an address already registered) sends the private link again, but at
most once a day per registration, whoever posts the form and how often; the page says the same
thing every time."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from events.domain import registration as rules
from events.models import Registration
from tests.factories.events import open_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"])


@pytest.fixture
def register_url(conference):
    return conference.url + conference.reverse_subpage("register")


def form(email="reader@library.example.ru", name="Иванова Мария"):
    return {
        "name": name,
        "email": email,
        "new_library_name": "Сельская библиотека",
        "position": "библиотекарь",
        "role": "listener",
        "consent": "on",
    }


def page_text(response):
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_repeats_send_one_reminder_a_day(client, register_url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(register_url, form()).status_code == 302
    registration = Registration.objects.get()
    assert len(mail.outbox) == 1  # the confirmation
    # Repeats right after the confirmation: the same answer each time, no further e-mail.
    pages = []
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(register_url, form(name=f"Кто-то {n}"))
        assert response.status_code == 302 and response["Location"].endswith("?again=1")
        pages.append(page_text(client.get(response["Location"])))
    assert len(set(pages)) == 1
    assert len(mail.outbox) == 1
    # A day after the last e-mail, one reminder goes out, then none again that day.
    Registration.objects.filter(pk=registration.pk).update(
        last_emailed_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(register_url, form(email="READER@library.example.ru"))
    assert len(mail.outbox) == 2
    reminder = mail.outbox[1]
    assert reminder.to == ["reader@library.example.ru"]
    assert registration.token in reminder.body
    assert page_text(client.get(response["Location"])) == pages[0]
    assert escape(str(rules.AlreadyRegistered.message)) in pages[0]


def test_first_repeat_without_any_e_mail_yet_sends_the_link(
    conference, django_capture_on_commit_callbacks
):
    data = {**form(), "library": None, "sessions": []}
    rules.register(conference, data)  # its confirmation is never sent (not committed here)
    for _ in range(3):
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(rules.AlreadyRegistered),
        ):
            rules.register(conference, data)
    assert len(mail.outbox) == 1


def test_only_one_of_two_claims_wins(conference):
    registration = Registration.objects.create(
        conference=conference,
        last_name="Иванова",
        email="a@example.ru",
        new_library_name="Библиотека",
        consent_given_at=timezone.now(),
    )
    assert rules.claim_reminder(registration) is True
    assert rules.claim_reminder(registration) is False
    later = timezone.now() + rules.REMINDER_INTERVAL
    assert rules.claim_reminder(registration, later) is True
