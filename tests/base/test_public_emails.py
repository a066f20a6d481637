"""E-mails sent because someone filled a public form (registration, report proposal, contest
entry) open with the site's own words: whatever a visitor typed (a name, a title) never appears
in the subject or the first line, where a spammer filling the form with someone else's address
would put an advertisement; it appears later, as data."""

import datetime
import re
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contests import submission
from contests.models import Entry
from events import emails
from events.models import Proposal, Registration
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample
from tests.factories.events import open_cfp, open_registration

pytestmark = pytest.mark.django_db

SPAM = "ВЫИГРЫШ! Перейдите на evil.example"


def first_line(text):
    return next(line for line in text.splitlines() if line.strip())


def html_first_line(html):
    body = html.split("<body>", 1)[1]
    paragraph = re.search(r"<p>(.*?)</p>", body, re.S).group(1)
    return unescape(re.sub(r"<[^>]+>", "", paragraph))


def assert_opens_with_our_words(message):
    assert "evil.example" not in message.subject and "ВЫИГРЫШ" not in message.subject
    assert "evil.example" not in first_line(message.body)
    html = message.alternatives[0][0]
    assert "evil.example" not in html_first_line(html)
    # All public-form e-mails open with the same fixed greeting.
    assert first_line(message.body) == html_first_line(html)


def test_registration_e_mails(client, conference_tree, django_capture_on_commit_callbacks):
    conference = open_registration(conference_tree["conference"])
    url = conference.url + conference.reverse_subpage("register")
    data = {
        "name": SPAM,
        "email": "victim@example.ru",
        "new_library_name": SPAM,
        "position": SPAM,
        "role": "listener",
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    (confirmation,) = mail.outbox
    assert_opens_with_our_words(confirmation)
    # The name is there, later, as what was typed into the form.
    lines = [line for line in confirmation.body.splitlines() if line.strip()]
    assert any(SPAM in line for line in lines[2:])
    registration = Registration.objects.get()
    for kind in emails.SUBJECTS:
        assert_opens_with_our_words(emails.build_registration_email(registration, kind))


def test_proposal_e_mails(client, conference_tree, django_capture_on_commit_callbacks):
    open_cfp(conference_tree["conference"])
    data = {
        "section": conference_tree["methodology"].pk,
        "title": SPAM,
        "abstract": SPAM,
        "format": "report",
        "last_name": SPAM,
        "first_name": SPAM,
        "email": "victim@example.ru",
        "library": LibraryFactory().pk,
        "position": "методист",
        "consent": "on",
        "file": SimpleUploadedFile("тезисы.pdf", sample.pdf()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/events/viii/propose/", data).status_code == 302
    (received,) = mail.outbox
    assert_opens_with_our_words(received)
    assert SPAM in received.body
    proposal = Proposal.objects.get()
    for kind in emails.PROPOSAL_SUBJECTS:
        assert_opens_with_our_words(emails.build_proposal_email(proposal, kind))


def test_contest_e_mails(client, contest, django_capture_on_commit_callbacks):
    municipality = MunicipalityFactory(name="Кемерово")
    data = {
        "nomination": contest.nominations.first().pk,
        "title": SPAM,
        "description": SPAM,
        "last_name": SPAM,
        "first_name": SPAM,
        "birth_date": (timezone.localdate() - datetime.timedelta(days=365 * 25)).isoformat(),
        "email": "victim@example.ru",
        "library": LibraryFactory(municipality=municipality).pk,
        "municipality": municipality.pk,
        "consent": "on",
        "files": [SimpleUploadedFile("работа.pdf", sample.pdf())],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(contest.url + "submit/", data).status_code == 302
    assert len(mail.outbox) >= 1  # the receipt, then the status once checked
    for message in mail.outbox:
        assert_opens_with_our_words(message)
    entry = Entry.objects.get()
    assert SPAM in submission.build_receipt(entry).body
    assert_opens_with_our_words(submission.build_receipt(entry))
    assert_opens_with_our_words(submission.build_status_email(entry))
