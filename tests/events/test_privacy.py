"""Personal data on the conference's public side (152-FZ): private pages are never cached,
never leak their link in a Referer and expire after the conference; «Delete my data» erases at
once; the consent stores which text was shown; accessibility needs (health data) need their own
consent; private files are readable by the site's user only."""

import datetime
import os
import stat

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from events.domain import registration as rules
from events.forms import ProposalForm, RegistrationForm
from events.models import ConferencePage, Proposal, Registration
from kuzbib_site.base.privacy import consent_version
from tests.factories import files as sample
from tests.factories.events import RegistrationFactory, open_registration

pytestmark = pytest.mark.django_db

PDF = sample.pdf()


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Form POSTs are counted in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def conference(conference_tree):
    now = timezone.now()
    return open_registration(
        conference_tree["conference"],
        capacity=1,
        cfp_opens=now - datetime.timedelta(days=1),
        cfp_closes=now + datetime.timedelta(days=10),
    )


def status_url(registration):
    return f"/events/viii/registration/{registration.token}/"


def registration_form(**extra):
    return {
        "name": "Иванова Мария",
        "email": "ivanova@library.example.ru",
        "new_library_name": "Сельская библиотека",
        "position": "библиотекарь",
        "role": "listener",
        "consent": "on",
        **extra,
    }


def proposal_form(conference_tree, **extra):
    return {
        "section": conference_tree["methodology"].pk,
        "title": "Методическая служба",
        "abstract": "Опыт работы.",
        "format": "report",
        "last_name": "Петрова",
        "first_name": "Анна",
        "email": "petrova@example.ru",
        "new_library_name": "Сельская библиотека",
        "consent": "on",
        **extra,
    }


def assert_private(response, has_forms=False):
    """No cache, no index, and the token never in a Referer: a page with its own POST forms
    sends only the origin (``no-referrer`` would make the browser post ``Origin: null``, which
    the CSRF check refuses; tests/browser/test_registration.py posts them in chromium)."""
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == ("strict-origin" if has_forms else "no-referrer")
    assert "noindex" in response["X-Robots-Tag"]


# --- Headers ----------------------------------------------------------------------------------


def test_private_pages_are_not_cached_nor_referred(client, conference):
    registration = RegistrationFactory(conference=conference)
    assert_private(client.get(status_url(registration)), has_forms=True)
    assert_private(client.get(status_url(registration) + "agenda/"))
    assert_private(client.get("/events/viii/registration/forged-token-forged-token/"))
    proposal = Proposal.objects.create(
        conference=conference,
        title="Т",
        abstract="А",
        last_name="Петрова",
        first_name="Анна",
        email="p@example.ru",
        consent_given_at=timezone.now(),
    )
    assert_private(client.get(f"/events/viii/proposal/{proposal.token}/"), has_forms=True)
    assert_private(client.get("/events/viii/proposal/forged-token-forged-token/"))


# --- Expiry -----------------------------------------------------------------------------------


def end_conference(conference, days_ago):
    end = timezone.now() - datetime.timedelta(days=days_ago)
    ConferencePage.objects.filter(pk=conference.pk).update(
        start=end - datetime.timedelta(hours=8), end=end
    )


def test_private_links_expire_a_configured_time_after_the_conference(client, conference, settings):
    limit = settings.KUZBIB_BASE["PRIVATE_LINK_DAYS_AFTER_END"]
    registration = RegistrationFactory(conference=conference)
    proposal = Proposal.objects.create(
        conference=conference,
        title="Т",
        abstract="А",
        last_name="Петрова",
        first_name="Анна",
        email="p@example.ru",
        consent_given_at=timezone.now(),
    )
    for record in (registration, proposal):
        type(record).objects.filter(pk=record.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=limit + 30)
        )
    urls = [
        status_url(registration),
        status_url(registration) + "agenda/",
        f"/events/viii/proposal/{proposal.token}/",
    ]
    end_conference(conference, limit - 1)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    end_conference(conference, limit + 1)
    responses = [client.get(url) for url in urls]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert "events/registration/not_found.html" in [t.name for t in responses[0].templates]
    assert "events/cfp/not_found.html" in [t.name for t in responses[2].templates]
    # An expired link cannot act either.
    assert client.post(status_url(registration) + "cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "PRIVATE_LINK_DAYS_AFTER_END": limit + 2}
    assert client.get(urls[0]).status_code == 200


# --- «Delete my data» -------------------------------------------------------------------------


def test_erasing_a_registration_cancels_it_and_gives_the_place_away(
    client, conference, django_capture_on_commit_callbacks
):
    first = rules.register(conference, {**registration_form(), "email": "first@example.ru"})
    waiting = rules.register(conference, {**registration_form(), "email": "second@example.ru"})
    assert (first.status, waiting.status) == ("confirmed", "waitlisted")
    url = status_url(first)
    assert 'value="erase"' in client.get(url).content.decode()
    # The first press asks for confirmation and changes nothing.
    response = client.post(url, {"action": "erase"})
    assert response.status_code == 302 and response["Location"] == url + "?erase=1#erase"
    page = client.get(url + "?erase=1").content.decode()
    assert 'name="confirm" value="yes"' in page
    first.refresh_from_db()
    assert first.anonymised_at is None and first.status == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "erase", "confirm": "yes"})
    assert response.status_code == 200
    assert "base/privacy/erased.html" in [t.name for t in response.templates]
    assert_private(response)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == "cancelled" and first.anonymised_at is not None
    assert first.name == "Удалено" and first.email == f"erased-{first.pk}@erased.invalid"
    assert waiting.status == "confirmed"
    assert not any(m.to == [first.email] for m in mail.outbox)
    assert client.get(url).status_code == 404


def test_erasing_a_cancelled_registration(client, conference):
    registration = RegistrationFactory(conference=conference, status="cancelled")
    client.post(status_url(registration), {"action": "erase", "confirm": "yes"})
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert client.get(status_url(registration)).status_code == 404


def test_erasing_a_proposal_withdraws_it_and_deletes_its_file(
    client, conference, conference_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/events/viii/propose/",
            {**proposal_form(conference_tree), "file": SimpleUploadedFile("т.pdf", PDF)},
        )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    path = proposal.file.path
    assert os.path.exists(path)
    url = f"/events/viii/proposal/{proposal.token}/"
    assert client.post(url, {"action": "erase"})["Location"] == url + "?erase=1#erase"
    assert client.get(url + "?erase=1").status_code == 200
    assert Proposal.objects.get().anonymised_at is None  # a GET never writes
    client.post(url, {"action": "erase", "confirm": "yes"})
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn" and proposal.anonymised_at is not None
    assert proposal.last_name == "Удалено" and not proposal.file
    assert not os.path.exists(path)
    assert client.get(url).status_code == 404


# --- Consent ----------------------------------------------------------------------------------


def test_registration_stores_the_version_of_the_consent_text_shown(client, conference, settings):
    with translation.override("en"):
        shown = str(RegistrationForm(conference=conference).fields["consent"].label)
    # English, chosen as a visitor chooses it: the language switch's cookie.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/events/viii/register/", registration_form())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.consent_version == consent_version(shown)
    assert len(registration.consent_version) == 16


def test_consent_versions_differ_with_the_text():
    assert consent_version("Я согласен") != consent_version("Я согласна")
    assert consent_version("Я  согласен\n") == consent_version("Я согласен")


def test_proposal_stores_the_version_of_the_consent_text(client, conference, conference_tree):
    client.post("/events/viii/propose/", proposal_form(conference_tree))
    proposal = Proposal.objects.get()
    shown = str(ProposalForm(conference=conference).fields["consent"].label)
    assert proposal.consent_version == consent_version(shown)


def test_accessibility_needs_require_their_own_consent(client, conference):
    response = client.post(
        "/events/viii/register/", registration_form(accessibility_needs="Нужен пандус")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "accessibility_consent" in form.errors
    assert "о здоровье" in form.errors["accessibility_consent"][0]
    assert not Registration.objects.exists()
    # The form keeps what was typed.
    assert "Нужен пандус" in response.content.decode()


def test_accessibility_needs_with_consent_are_stored_with_its_time(client, conference):
    response = client.post(
        "/events/viii/register/",
        registration_form(accessibility_needs="Нужен пандус", accessibility_consent="on"),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.accessibility_needs == "Нужен пандус"
    assert registration.accessibility_consent_at is not None


def test_no_accessibility_needs_no_health_consent(client, conference):
    client.post("/events/viii/register/", registration_form(accessibility_consent="on"))
    registration = Registration.objects.get()
    assert registration.accessibility_needs == ""
    assert registration.accessibility_consent_at is None


# --- Files ------------------------------------------------------------------------------------


def test_proposal_files_are_readable_by_the_site_user_only(client, conference, conference_tree):
    client.post(
        "/events/viii/propose/",
        {**proposal_form(conference_tree), "file": SimpleUploadedFile("т.pdf", PDF)},
    )
    path = Proposal.objects.get().file.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
