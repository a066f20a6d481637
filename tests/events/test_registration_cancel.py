"""Cancelling a registration asks first, on a page of its own («Отменить регистрацию?»), so that
it works without JavaScript: the status page links to the question as a quiet button, the
question's GET never writes, only its POST cancels; a link that is not a registration's gets the
not-found page, never an error."""

import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.domain import registration as rules
from events.models import Registration
from tests.factories.events import open_registration
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"], capacity=1)


def register(conference, n):
    return rules.register(
        conference,
        {
            "name": f"Иванова Мария {n}",
            "email": f"reader{n}@library.example.ru",
            "library": None,
            "new_library_name": "Сельская библиотека",
            "position": "библиотекарь",
            "role": "listener",
            "sessions": [],
            "accessibility_needs": "",
        },
    )


def status_url(registration):
    return re.sub(r"^https?://[^/]+", "", registration.private_url())


def writes_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    return response, writes


def test_the_status_page_links_to_the_question_as_a_quiet_button(client, conference):
    registration = register(conference, 1)
    url = status_url(registration)
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    link = soup.find("a", href=url + "cancel/")
    assert link is not None
    assert "button--quiet" in link["class"]
    # No form on the status page cancels by itself.
    assert soup.find("input", attrs={"name": "action", "value": "cancel"}) is None
    assert soup.find("button", attrs={"name": "action", "value": "cancel"}) is None


def test_the_question_asks_and_changes_nothing(client, conference):
    registration = register(conference, 1)
    url = status_url(registration)
    response, writes = writes_of(client, url + "cancel/")
    assert response.status_code == 200 and writes == []
    assert response["Cache-Control"] == "no-store"
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == in_site_language("Cancel the registration?")
    form = soup.find("form", id="cancel-form")
    assert form["method"] == "post" and form["action"] == url + "cancel/"
    confirm = form.find("button", type="submit")
    assert confirm.get_text(strip=True) == in_site_language("Yes, cancel my registration")
    assert "button--quiet" in confirm["class"]
    # The way back is the primary button.
    back = form.find("a", href=url)
    assert back["class"] == ["button"]
    assert registration.name in soup.get_text()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_the_questions_post_cancels_and_gives_the_place_away(
    client, conference, django_capture_on_commit_callbacks
):
    first, waiting = register(conference, 1), register(conference, 2)
    assert waiting.status == Registration.Status.WAITLISTED
    url = status_url(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "cancel/")
    assert response.status_code == 302 and response["Location"] == url
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "confirmed")
    status = BeautifulSoup(client.get(url).content, "html.parser")
    assert status.find(class_="registration-status")["data-status"] == "cancelled"
    # Cancelled: neither the link nor the question is offered again, and a second POST (a
    # reload, a second tab) changes nothing.
    assert status.find("a", href=url + "cancel/") is None
    assert client.get(url + "cancel/")["Location"] == url
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "cancel/")["Location"] == url
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_a_status_page_opened_before_asks_too(client, conference):
    """The old page's cancel form posted ``action=cancel`` to the status page: it now leads to
    the question instead of cancelling."""
    registration = register(conference, 1)
    url = status_url(registration)
    response = client.post(url, {"action": "cancel"})
    assert response["Location"] == url + "cancel/"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "я" * 43, "a" * 5000, "forged-token-forged-token-forged-token-1234", "' OR 1=1 --"],
)
def test_a_link_that_is_no_registrations_is_not_found(client, conference, token):
    register(conference, 1)
    url = f"{conference.url}registration/{token}/cancel/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        if re.fullmatch(r"[\w-]+", token):
            assert in_site_language("Registration not found") in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_another_conferences_registration_is_not_found(client, conference_tree, conference):
    from tests.factories import ConferencePageFactory

    other = open_registration(ConferencePageFactory(parent=conference_tree["events"]))
    registration = register(other, 1)
    url = f"{conference.url}registration/{registration.token}/cancel/"
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
