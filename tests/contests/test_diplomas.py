"""Diplomas and certificates of a contest whose results are published: who gets which, their
numbers (sequential, never given twice, the same after any number of batches), what the PDF
says, the e-mail to each participant (once), the participant's download behind their private
link and the public verification page the QR code opens. Celery runs eagerly here; the batch
on a real worker, with its faults, is in test_diploma_faults.py."""

import datetime
import io
import re
from urllib.parse import quote

import pytest
import segno
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader

from contests import diplomas, tasks
from contests.models import Diploma, DiplomaBatch, Entry, Judging, Result
from kuzbib_site.base import retention
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.documents import publish_results, published_contest
from tests.factories.jury import EntryFactory, judged_contest

pytestmark = pytest.mark.django_db


def ru(message):
    """A message as the site (Russian) shows it, whether or not it is translated yet."""
    with translation.override("ru"):
        return gettext(message)


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


@pytest.fixture
def contest(index):
    """Five judged entries: places 1–3 win, 4 and 5 take part; the fifth has a special prize."""
    contest = judged_contest(index, entries=5, title="КНИГИНЯ-2009", entry_prefix="КНИГИНЯ-2009")
    fifth = Entry.objects.get(contest=contest, number=5)
    publish_results(contest, special_prizes={fifth: "За верность краеведению"})
    return contest


@pytest.fixture
def chair(contest):
    return contest.jury.get(role="chair").user


def run_batch(contest, user, callbacks):
    with callbacks(execute=True):
        batch = diplomas.request(contest, user)
    batch.refresh_from_db()
    return batch


def numbers(contest):
    return dict(Diploma.objects.filter(contest=contest).values_list("entry__number", "number"))


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text):
    return re.sub(r"\s+", "", text)


def test_diplomas_wait_for_the_published_results(index, django_capture_on_commit_callbacks):
    contest = judged_contest(index, entries=2)
    Judging.objects.create(contest=contest, state=Judging.State.CLOSED)
    with pytest.raises(diplomas.Refused):
        diplomas.request(contest, None)
    assert not DiplomaBatch.objects.exists()


def test_a_batch_gives_each_judged_entry_its_numbered_document(
    contest, chair, django_capture_on_commit_callbacks
):
    batch = run_batch(contest, chair, django_capture_on_commit_callbacks)

    assert batch.status == DiplomaBatch.Status.READY, batch.error
    assert batch.diploma_count == 5
    assert numbers(contest) == {
        1: "КНИГИНЯ-2009/Д-001",
        2: "КНИГИНЯ-2009/Д-002",
        3: "КНИГИНЯ-2009/Д-003",
        4: "КНИГИНЯ-2009/С-001",
        5: "КНИГИНЯ-2009/Д-004",  # its special prize makes it a diploma
    }
    awards = dict(Diploma.objects.values_list("entry__number", "award"))
    with translation.override("ru"):
        assert awards[1] == gettext("%(place)s place") % {"place": "I"}
        assert awards[3] == gettext("%(place)s place") % {"place": "III"}
        assert awards[4] == gettext("for taking part in the contest")
        assert awards[5] == gettext("Special prize: %(prize)s") % {
            "prize": "За верность краеведению"
        }
    first = Diploma.objects.select_related("entry__library").get(entry__number=1)
    entry = first.entry
    assert first.kind == Diploma.Kind.DIPLOMA
    assert first.recipient == f"{entry.last_name} {entry.first_name} {entry.patronymic}"
    assert first.library_name == entry.library.full_name
    assert first.entry_title == entry.title
    assert first.nomination_title == "Номинация 1"
    assert len(first.code) >= 22 and first.file.name.endswith("KNIGINYa-2009-D-001.pdf")
    # The batch's own file holds all five for printing, diplomas first.
    pages = PdfReader(batch.file.open("rb")).pages
    assert len(pages) == 5
    assert "КНИГИНЯ-2009/Д-001" in pages[0].extract_text()
    assert "КНИГИНЯ-2009/С-001" in pages[4].extract_text()


def test_each_participant_is_emailed_a_link_to_their_page_not_the_file(
    contest, chair, django_capture_on_commit_callbacks
):
    run_batch(contest, chair, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 5
    by_address = {message.to[0]: message for message in mail.outbox}
    for diploma in Diploma.objects.select_related("entry"):
        message = by_address[diploma.entry.email]
        assert message.attachments == []
        assert contest.title in message.subject
        assert diploma.number in message.body
        assert f"/entry/{diploma.entry.token}/" in message.body
        assert diploma.emailed_at is not None


def test_a_second_batch_keeps_every_number_code_and_file_and_emails_nobody_twice(
    contest, chair, django_capture_on_commit_callbacks
):
    run_batch(contest, chair, django_capture_on_commit_callbacks)
    issued = {d.pk: (d.number, d.code, d.file.name) for d in Diploma.objects.all()}
    # A late result (an entry judged after a complaint) gets the next number of its series.
    late = EntryFactory(contest=contest, nomination=contest.nominations.first())
    Result.objects.create(contest=contest, entry=late, nomination=late.nomination, place=6)

    second = run_batch(contest, chair, django_capture_on_commit_callbacks)

    assert second.status == DiplomaBatch.Status.READY and second.diploma_count == 6
    again = {d.pk: (d.number, d.code, d.file.name) for d in Diploma.objects.all()}
    assert {pk: again[pk] for pk in issued} == issued
    assert Diploma.objects.get(entry=late).number == "КНИГИНЯ-2009/С-002"
    assert len(mail.outbox) == 6  # five, then only the new one


def test_the_same_batch_run_twice_builds_once(contest, chair, django_capture_on_commit_callbacks):
    batch = run_batch(contest, chair, django_capture_on_commit_callbacks)
    assert diplomas.build(batch.pk) is None  # a second delivery of its message
    assert Diploma.objects.count() == 5 and len(mail.outbox) == 5


def test_numbers_continue_under_a_prefix_another_contest_used(
    contest, chair, index, django_capture_on_commit_callbacks
):
    run_batch(contest, chair, django_capture_on_commit_callbacks)
    again = published_contest(index, entries=2, entry_prefix="КНИГИНЯ-2009")

    run_batch(again, None, django_capture_on_commit_callbacks)

    assert sorted(numbers(again).values()) == ["КНИГИНЯ-2009/Д-005", "КНИГИНЯ-2009/Д-006"]


def test_entries_out_of_the_contest_or_erased_get_none(
    contest, chair, django_capture_on_commit_callbacks
):
    Entry.objects.filter(contest=contest, number=2).update(status=Entry.Status.DISQUALIFIED)
    certificate = Entry.objects.get(contest=contest, number=4)
    winner = Entry.objects.get(contest=contest, number=1)
    retention.anonymise(certificate)
    retention.anonymise(winner)  # a winner's name stays on the published results

    run_batch(contest, chair, django_capture_on_commit_callbacks)

    issued = numbers(contest)
    assert sorted(issued) == [1, 3, 5]
    assert Diploma.objects.get(entry=winner).recipient.startswith(winner.last_name)
    assert {message.to[0] for message in mail.outbox} == {
        Entry.objects.get(contest=contest, number=number).email for number in (3, 5)
    }  # the winner's erased address is not written to


def test_the_pdf_says_what_was_awarded_and_where_to_check_it(
    contest, chair, django_capture_on_commit_callbacks
):
    run_batch(contest, chair, django_capture_on_commit_callbacks)
    diploma = Diploma.objects.select_related("entry").get(entry__number=1)
    url = diplomas.verification_url(diploma, contest)
    assert url == f"http://localhost/contests/{contest.slug}/diploma/{diploma.code}/"

    text = pdf_text(diploma.file.open("rb").read())

    assert "КНИГИНЯ-2009/Д-001" in text
    assert diploma.recipient in text and diploma.entry_title in text
    assert squeezed(url) in squeezed(text)


def test_the_qr_code_is_inline_svg_of_the_verification_address(contest):
    diplomas.issue(contest)
    diploma = Diploma.objects.get(entry__number=1)
    context = diplomas.context_of(diploma, contest)

    html = render_to_string(diplomas.TEMPLATE, context)

    url = diplomas.verification_url(diploma, contest)
    expected = segno.make(url, error="m").svg_inline(scale=1, border=2, unit="mm")
    assert expected in html and 'class="segno"' in html
    # The URL itself is printed, not only encoded.
    assert f'<span class="url">{url}</span>' in html


def test_a_lost_email_is_sent_by_the_sweeper(contest, settings):
    for diploma in diplomas.issue(contest):  # the batch ran, its e-mail tasks were lost
        diplomas.store(diploma, contest)
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "SWEEP_AFTER_SECONDS": 0}
    Diploma.objects.update(issued_at=timezone.now() - datetime.timedelta(seconds=1))

    tasks.sweep()
    tasks.sweep()

    issued = list(Diploma.objects.all())
    told = [m for m in mail.outbox for diploma in issued if diploma.number in m.body]
    assert len(told) == 5 and all(diploma.emailed_at for diploma in issued)
    assert diplomas.unsent(timezone.now()) == []


def test_a_revoked_diploma_is_not_emailed(contest):
    diploma = diplomas.store(diplomas.issue(contest)[0], contest)
    Diploma.objects.filter(pk=diploma.pk).update(revoked_at=timezone.now())
    assert diplomas.send(diploma.pk) == 0
    assert mail.outbox == []


# --- The participant's download ---------------------------------------------------------------


def diploma_url(contest, token):
    return contest.url + contest.reverse_subpage("entry_diploma", args=[token])


def test_the_participant_downloads_their_diploma_from_their_page(
    client, contest, chair, django_capture_on_commit_callbacks
):
    entry = Entry.objects.get(contest=contest, number=4)
    status_page = contest.url + contest.reverse_subpage("entry_status", args=[entry.token])
    assert (
        ru("Download the certificate of participation")
        not in client.get(status_page).content.decode()
    )
    assert client.get(diploma_url(contest, entry.token)).status_code == 404  # none yet

    run_batch(contest, chair, django_capture_on_commit_callbacks)

    page = client.get(status_page).content.decode()
    assert ru("Download the certificate of participation") in page
    assert diploma_url(contest, entry.token) in page
    response = client.get(diploma_url(contest, entry.token))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="KNIGINYa-2009-S-001.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_no_diploma_behind_a_wrong_or_foreign_token(
    client, contest, chair, index, django_capture_on_commit_callbacks
):
    run_batch(contest, chair, django_capture_on_commit_callbacks)
    other = published_contest(index, entries=1)
    run_batch(other, None, django_capture_on_commit_callbacks)
    foreign = Entry.objects.get(contest=other)
    revoked = Entry.objects.get(contest=contest, number=2)
    Diploma.objects.filter(entry=revoked).update(revoked_at=timezone.now())

    for token in ("x", "A" * 64, "A" * 5000, foreign.token, revoked.token):
        response = client.get(diploma_url(contest, token))
        assert response.status_code == 404, token
        assert response["Cache-Control"] == "no-store"
    assert client.get(diploma_url(other, foreign.token)).status_code == 200


# --- The verification page ----------------------------------------------------------------------


def verify_url(contest, code):
    return contest.url + "diploma/" + quote(code, safe="%") + "/"


def test_the_verification_page_confirms_whom_and_for_what(client, contest):
    diploma = diplomas.issue(contest)[0]

    response = client.get(verify_url(contest, diploma.code))

    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        diploma.number,
        diploma.recipient,
        diploma.library_name,
        contest.title,
        diploma.nomination_title,
        diploma.award,
        diploma.entry_title,
    ):
        assert shown in page
    assert ru("Check that a diploma is genuine") in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "code",
    [
        "AAAAAAAAAAAAAAAAAAAAAA",  # well formed, never issued
        "short",
        "диплом-с-кириллицей-в-коде",
        "-" * 30,
        "A" * 10_000,
    ],
)
def test_an_unknown_code_is_a_404_page_in_russian(client, contest, code):
    diplomas.issue(contest)

    response = client.get(verify_url(contest, code))

    assert response.status_code == 404
    assert ru("Diploma not found") in response.content.decode()


@pytest.mark.parametrize("code", ["<img src=x onerror=alert(1)>", "%00" * 20, "a.b", "a%2Fb"])
def test_a_code_no_page_address_can_hold_is_the_sites_404(client, contest, code):
    response = client.get(verify_url(contest, code))
    assert response.status_code == 404
    assert "<img src=x" not in response.content.decode()


def test_a_code_of_another_contest_is_not_found_here(client, contest, index):
    other = published_contest(index, entries=1)
    foreign = diplomas.issue(other)[0]
    assert client.get(verify_url(contest, foreign.code)).status_code == 404
    assert client.get(verify_url(other, foreign.code)).status_code == 200


def test_a_revoked_diploma_says_so(client, contest):
    diploma = diplomas.issue(contest)[0]
    revoked_at = timezone.now()
    Diploma.objects.filter(pk=diploma.pk).update(revoked_at=revoked_at)

    page = client.get(verify_url(contest, diploma.code)).content.decode()

    assert diploma.recipient not in page
    with translation.override("ru"):
        said = gettext(
            "Document № %(number)s was issued by the organisers but revoked on %(date)s: "
            "it is not valid."
        ) % {"number": diploma.number, "date": date_format(timezone.localtime(revoked_at))}
    assert said in page


def test_an_erased_recipient_is_not_shown(client, contest):
    certificate = next(d for d in diplomas.issue(contest) if d.kind == Diploma.Kind.CERTIFICATE)
    retention.anonymise(Entry.objects.get(pk=certificate.entry_id))

    page = client.get(verify_url(contest, certificate.code)).content.decode()

    assert certificate.number in page and certificate.award in page
    assert certificate.recipient not in page and certificate.library_name not in page
    assert (
        ru(
            "The recipient's personal data has been erased (at their request or at the end of "
            "the retention period)."
        )
        in page
    )


def test_the_verification_page_costs_the_same_queries_for_any_number_of_diplomas(
    contest, index, assert_queries_bounded
):
    diploma = diplomas.issue(contest)[0]

    def more():
        for _ in range(3):
            diplomas.issue(published_contest(index, entries=5))

    assert_queries_bounded(verify_url(contest, diploma.code), more, cap=12)
