"""Throttling of the public forms (kuzbib_site/base/throttle.py): registration, report proposals
and contest entries take at most N POSTs per client address and per e-mail address in a window;
the next one is a 429 with Retry-After, the form with what was typed and nothing saved. Limits
are set low here through the ``settings`` fixture; the test settings turn throttling off for
every other test."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape

from contests.models import Entry
from events.models import Proposal, Registration
from kuzbib_site.base import throttle
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample
from tests.factories.events import open_cfp as open_conference_cfp
from tests.factories.events import open_registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits(settings):
    """Turn throttling on with the given limits, e.g. ``limits(registration={"ip": 2})``."""

    def apply(window=3600, depth=0, **forms):
        settings.KUZBIB_BASE = {
            **settings.KUZBIB_BASE,
            "THROTTLE": {
                "ENABLED": True,
                "WINDOW_SECONDS": window,
                "TRUSTED_PROXY_DEPTH": depth,
                "LIMITS": forms,
            },
        }

    return apply


def refusal_text():
    """The stable part of the refusal, in the language the pages are served in."""
    with translation.override("ru"):
        return escape(str(throttle.MESSAGE).split("%(time)s")[0].strip())


def assert_refused(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert refusal_text() in response.content.decode()


# --- Registration -------------------------------------------------------------------------------


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"])


@pytest.fixture
def register_url(conference):
    return conference.url + conference.reverse_subpage("register")


def registration(n, **extra):
    return {
        "name": f"Иванова Мария {n}",
        "email": f"reader{n}@library.example.ru",
        "new_library_name": "Сельская библиотека",
        "position": "библиотекарь",
        "role": "listener",
        "consent": "on",
        **extra,
    }


def test_registration_boundary_per_address_and_gets_never_count(client, register_url, limits):
    limits(registration={"ip": 2, "email": 100})
    for _ in range(5):
        assert client.get(register_url).status_code == 200
    assert client.post(register_url, registration(1)).status_code == 302
    assert client.post(register_url, registration(2)).status_code == 302
    response = client.post(register_url, registration(3, name="Сидорова Ольга"))
    assert_refused(response)
    # What was typed is kept on the form; nothing of it was saved.
    html = response.content.decode()
    assert 'value="Сидорова Ольга"' in html and 'value="reader3@library.example.ru"' in html
    assert Registration.objects.count() == 2
    # GETs still work and still do not count.
    assert client.get(register_url).status_code == 200


def test_registration_addresses_are_independent(client, register_url, limits):
    limits(registration={"ip": 1, "email": 100})
    assert client.post(register_url, registration(1), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert_refused(client.post(register_url, registration(2), REMOTE_ADDR="10.0.0.1"))
    assert client.post(register_url, registration(3), REMOTE_ADDR="10.0.0.2").status_code == 302
    # One IPv6 client holds a whole /64: it is one counter.
    assert client.post(register_url, registration(4), REMOTE_ADDR="2001:db8::1").status_code == 302
    assert_refused(client.post(register_url, registration(5), REMOTE_ADDR="2001:db8::ffff"))
    assert (
        client.post(register_url, registration(6), REMOTE_ADDR="2001:db8:1::1").status_code == 302
    )
    assert Registration.objects.count() == 4


def test_registration_per_email_boundary_normalised_and_independent(client, register_url, limits):
    limits(registration={"ip": 100, "email": 2})
    # From different addresses, the same e-mail address in any case: 2 allowed, the 3rd refused.
    assert client.post(register_url, registration(1), REMOTE_ADDR="10.0.0.1").status_code == 302
    again = client.post(
        register_url, registration(1, email=" Reader1@LIBRARY.example.ru "), REMOTE_ADDR="10.0.0.2"
    )
    assert again.status_code == 302
    assert_refused(client.post(register_url, registration(1), REMOTE_ADDR="10.0.0.3"))
    # Another address is not affected.
    assert client.post(register_url, registration(2), REMOTE_ADDR="10.0.0.4").status_code == 302
    assert Registration.objects.count() == 2


def test_attempts_without_a_valid_email_do_not_count_for_an_address(client, register_url, limits):
    limits(registration={"ip": 100, "email": 1})
    for _ in range(3):
        response = client.post(register_url, registration(1, email="not-an-email"))
        assert response.status_code == 400
    assert client.post(register_url, registration(1)).status_code == 302


def test_throttling_can_be_turned_off(client, register_url, limits, settings):
    limits(registration={"ip": 1, "email": 1})
    settings.KUZBIB_BASE["THROTTLE"]["ENABLED"] = False
    for n in range(3):
        assert client.post(register_url, registration(n)).status_code == 302


def test_forwarded_for_is_trusted_only_to_the_configured_depth(client, register_url, limits):
    # Depth 0: X-Forwarded-For is the client's own text and changes nothing.
    limits(registration={"ip": 1, "email": 100})
    assert (
        client.post(register_url, registration(1), HTTP_X_FORWARDED_FOR="1.1.1.1").status_code
        == 302
    )
    assert_refused(client.post(register_url, registration(2), HTTP_X_FORWARDED_FOR="2.2.2.2"))
    # Depth 1 (nginx appends the address it saw): the last entry is the client, whatever the
    # client put in front of it.
    cache.clear()
    limits(registration={"ip": 1, "email": 100}, depth=1)
    forwarded = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.5"}
    assert client.post(register_url, registration(3), **forwarded).status_code == 302
    spoofed = {"HTTP_X_FORWARDED_FOR": "8.8.8.8, 203.0.113.5"}
    assert_refused(client.post(register_url, registration(4), **spoofed))
    other = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.6"}
    assert client.post(register_url, registration(5), **other).status_code == 302


def test_refusal_waits_for_the_end_of_the_window(rf, limits):
    limits(registration={"ip": 1}, window=60)
    request = rf.post("/", REMOTE_ADDR="10.0.0.9")
    assert throttle.hit_ip(request, "registration") is None
    refusal = throttle.hit_ip(request, "registration")
    assert refusal.kind == "ip" and 1 <= refusal.retry_after <= 60
    assert throttle.hit_ip(rf.post("/", REMOTE_ADDR="10.0.0.10"), "registration") is None
    # Another form has its own counter (and no limit here).
    assert throttle.hit_ip(request, "proposal") is None


# --- Report proposals ---------------------------------------------------------------------------


@pytest.fixture
def open_cfp(conference_tree):
    open_conference_cfp(conference_tree["conference"])
    return conference_tree


def proposal(tree, library, **overrides):
    return {
        "section": tree["methodology"].pk,
        "title": "Методическая служба сельской библиотеки",
        "abstract": "Опыт методической работы.",
        "format": "report",
        "last_name": "Петрова",
        "first_name": "Анна",
        "email": "petrova@example.ru",
        "library": library.pk,
        "position": "методист",
        "consent": "on",
        **overrides,
    }


def test_proposals_boundary_per_address_and_per_email(client, open_cfp, limits):
    limits(proposal={"ip": 2, "email": 1})
    library = LibraryFactory()
    url = "/events/viii/propose/"
    assert client.get(url).status_code == 200
    assert client.post(url, proposal(open_cfp, library)).status_code == 302
    # Same e-mail address: over its limit of 1.
    response = client.post(url, proposal(open_cfp, library, title="Второй доклад"))
    assert_refused(response)
    assert "Второй доклад" in response.content.decode()
    # Another e-mail address, third POST from this client address: over the limit of 2.
    assert_refused(client.post(url, proposal(open_cfp, library, email="b@example.ru")))
    # Another client address and another e-mail address: accepted.
    other = client.post(
        url, proposal(open_cfp, library, email="c@example.ru"), REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 302
    assert Proposal.objects.count() == 2


# --- Contest entries ----------------------------------------------------------------------------


def entry(contest, library, municipality, n=0, **overrides):
    return {
        "nomination": contest.nominations.first().pk,
        "title": f"Клуб чтения {n}",
        "description": "Опыт работы клуба.",
        "last_name": "Петрова",
        "first_name": "Анна",
        "birth_date": (timezone.localdate() - datetime.timedelta(days=365 * 25)).isoformat(),
        "email": f"entrant{n}@example.ru",
        "library": library.pk,
        "municipality": municipality.pk,
        "consent": "on",
        "files": [SimpleUploadedFile("работа.pdf", sample.pdf())],
        **overrides,
    }


def test_entries_boundary_per_address(client, contest, limits):
    limits(entry={"ip": 2, "email": 100})
    municipality = MunicipalityFactory(name="Кемерово")
    library = LibraryFactory(municipality=municipality)
    url = contest.url + "submit/"
    assert client.get(url).status_code == 200
    for n in (1, 2):
        assert client.post(url, entry(contest, library, municipality, n)).status_code == 302
    response = client.post(url, entry(contest, library, municipality, 3))
    assert_refused(response)
    assert 'value="Клуб чтения 3"' in response.content.decode()
    assert Entry.objects.count() == 2
    other = client.post(url, entry(contest, library, municipality, 4), REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 302 and Entry.objects.count() == 3


def test_entries_per_email(client, contest, limits):
    limits(entry={"ip": 100, "email": 1})
    municipality = MunicipalityFactory(name="Кемерово")
    library = LibraryFactory(municipality=municipality)
    url = contest.url + "submit/"
    assert client.post(url, entry(contest, library, municipality, 1)).status_code == 302
    same = entry(contest, library, municipality, 2, email="ENTRANT1@example.ru")
    assert_refused(client.post(url, same, REMOTE_ADDR="10.3.3.3"))
    assert Entry.objects.count() == 1
