"""Withdrawing an entry: the participant's page offers it as a quiet link, a page of its own asks
(GET, which never writes, a POST form that needs no JavaScript), its POST withdraws; a forged,
foreign or hostile link is the «not found» page, never an error."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from contests import submission
from contests.models import Entry, Stage
from tests.factories.contests import (
    ContestPageFactory,
    NominationFactory,
    StageFactory,
    entry_data,
)
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

#: Tokens that reach the view (the site's page URLs take letters, digits, «_» and «-»): each is
#: the entry's «not found» page.
FORGED_TOKENS = ["forged", "x" * 3000, "токен-подделка", "a" * 42 + "ё", "_" * 43, "-"]
#: Tokens no page URL matches (a NUL, quotes, markup, a path, broken UTF-8): the site's 404.
HOSTILE_TOKENS = [
    "%00",
    "%00" + "a" * 43,
    "' OR 1=1 --",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%E2%80%AE" + "a" * 40,
    "..%2F..%2Fetc%2Fpasswd",
    "%F0%9F%98%80",
    "%C0%AF",
]


@pytest.fixture
def entry(contest):
    return submission.submit(contest, entry_data(contest), [])


def status_url(contest, entry):
    return contest.url + f"entry/{entry.token}/"


def withdraw_url(contest, entry):
    return status_url(contest, entry) + "withdraw/"


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def close_submissions(contest):
    Stage.objects.filter(contest=contest).update(end=timezone.now() - datetime.timedelta(hours=1))


def test_the_entry_page_links_to_the_question_with_a_quiet_button(client, contest, entry):
    page = html(client.get(status_url(contest, entry)))
    link = page.find("a", href=withdraw_url(contest, entry))
    assert link is not None
    assert "button--quiet" in link["class"]
    # No form on the entry's page withdraws at once.
    assert page.find("button", attrs={"value": "withdraw"}) is None


def test_asking_never_writes(client, contest, entry):
    before = Entry.objects.values().get()
    for method in (client.get, client.head):
        response = method(withdraw_url(contest, entry))
        assert response.status_code == 200
    assert Entry.objects.values().get() == before
    page = html(client.get(withdraw_url(contest, entry)))
    form = page.select_one("main form[method=post]")
    assert form["action"] == withdraw_url(contest, entry)
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    confirm = form.find("button", attrs={"type": "submit"})
    assert "button--quiet" in confirm["class"]
    back = form.find("a", href=status_url(contest, entry))
    assert back is not None and "button--quiet" not in back["class"]
    assert entry.code in page.get_text() and entry.title in page.get_text()


def test_the_post_withdraws_and_the_page_says_so(client, contest, entry):
    response = client.post(withdraw_url(contest, entry))
    assert response.status_code == 302
    assert response["Location"] == status_url(contest, entry) + "?withdrawn=1"
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN and entry.withdrawn_at is not None
    page = client.get(response["Location"]).content.decode()
    assert in_site_language(
        "Your entry is withdrawn: it takes no further part in the contest."
    ) in (page)
    # Withdrawn: nothing left to withdraw, the question sends back to the entry's page.
    assert withdraw_url(contest, entry) not in page
    response = client.get(withdraw_url(contest, entry))
    assert response.status_code == 302 and response["Location"] == status_url(contest, entry)


def test_a_stale_notice_parameter_says_nothing(client, contest, entry):
    page = client.get(status_url(contest, entry) + "?withdrawn=1").content.decode()
    assert (
        in_site_language("Your entry is withdrawn: it takes no further part in the contest.")
        not in page
    )


def test_after_the_deadline_nothing_is_withdrawn(client, contest, entry):
    close_submissions(contest)
    for method in (client.get, client.post):
        response = method(withdraw_url(contest, entry))
        assert response.status_code == 302 and response["Location"] == status_url(contest, entry)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED
    assert (
        withdraw_url(contest, entry) not in client.get(status_url(contest, entry)).content.decode()
    )


def test_the_old_button_asks_first(client, contest, entry):
    response = client.post(status_url(contest, entry), {"action": "withdraw"})
    assert response.status_code == 302 and response["Location"] == withdraw_url(contest, entry)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED


def test_a_post_from_another_site_is_refused(contest, entry):
    forged = Client(enforce_csrf_checks=True)
    assert forged.post(withdraw_url(contest, entry)).status_code == 403
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED


@pytest.mark.parametrize("token", FORGED_TOKENS)
def test_forged_links_are_the_entrys_not_found_page(client, contest, entry, token):
    for method in (client.get, client.post):
        response = method(contest.url + f"entry/{token}/withdraw/")
        assert response.status_code == 404
        assert in_site_language("Entry not found") in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
def test_hostile_links_are_not_found_never_an_error(client, contest, entry, token):
    for method in (client.get, client.post):
        response = method(contest.url + f"entry/{token}/withdraw/")
        assert response.status_code == 404
        assert "<main" in response.content.decode()  # the site's own page
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED


def test_a_link_of_another_contest_finds_nothing(client, contest, entry):
    other = ContestPageFactory(parent=contest.get_parent(), slug="other")
    NominationFactory(contest=other)
    StageFactory(contest=other, start=contest.start, end=contest.end)
    other.save_revision().publish()
    response = client.post(other.url + f"entry/{entry.token}/withdraw/")
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED
