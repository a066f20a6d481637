"""The jury protocol (протокол заседания жюри) as PDF: asked for once judging is closed, it
minutes the jury, the method, each nomination's ranking with every juror's total, Kendall's W
and the audit log; and who may reach the chair's document pages (protocol, diplomas, winners'
collection) and their files. Celery runs eagerly here."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from contests import protocol, results
from contests.diplomas import Refused
from contests.domain import judging as judging_domain
from contests.domain import score_sheet
from contests.models import (
    Assignment,
    Criterion,
    DiplomaBatch,
    JuryMember,
    JuryProtocol,
    WinnersCollection,
)
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import UserFactory, judged_contest

pytestmark = pytest.mark.django_db

#: Each juror's scores for entries 1–3 (the same on every criterion, capped at its maximum):
#: the chair and the second juror agree, the third is lenient.
SCORES = [(9, 6, 3), (8, 5, 4), (10, 9, 9)]


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


@pytest.fixture
def contest(index):
    """Three entries judged openly (not blind), scored by a chair and two members, one sheet
    changed after a first save; judging closed."""
    contest = judged_contest(index, entries=3, jurors=3, title="КНИГИНЯ-2009", blind_judging=False)
    judging_domain.open_judging(contest, None)
    criteria = list(Criterion.objects.filter(contest=contest))
    jurors = list(contest.jury.order_by("role", "pk"))
    for row, juror in zip(SCORES, jurors, strict=True):
        for assignment in Assignment.objects.filter(juror=juror).select_related("entry"):
            value = row[assignment.entry.number - 1]
            cleaned = {c.pk: (min(value, c.max_score), False, "") for c in criteria}
            if juror.is_chair and assignment.entry.number == 2:
                # A first draft, then the submitted sheet: the audit log has the change.
                first = {c.pk: (1, False, "") for c in criteria}
                assert score_sheet.save(assignment, first, juror.user, 0).ok
                assert score_sheet.save(assignment, cleaned, juror.user, 1, submit=True).ok
            else:
                assert score_sheet.save(assignment, cleaned, juror.user, 0, submit=True).ok
    judging_domain.close(contest, jurors[0].user)
    return contest


def chair_of(contest):
    return contest.jury.get(role=JuryMember.Role.CHAIR).user


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text):
    return re.sub(r"\s+", " ", text)


def test_in_blind_judging_the_protocol_waits_for_the_published_results(contest):
    # The protocol names every participant: a chair who read it before publication could
    # reopen judging and score knowing who wrote what.
    type(contest).objects.filter(pk=contest.pk).update(blind_judging=True)
    contest.refresh_from_db()
    with pytest.raises(Refused):
        protocol.request(contest, None)
    assert not JuryProtocol.objects.exists()
    judging_domain.publish(contest, chair_of(contest))
    assert protocol.request(contest, None).pk


def test_the_protocol_waits_for_judging_to_close(index):
    contest = judged_contest(index, entries=2, jurors=2)
    judging_domain.open_judging(contest, None)
    with pytest.raises(Refused):
        protocol.request(contest, None)
    assert not JuryProtocol.objects.exists()


def test_the_protocol_minutes_jury_ranking_totals_agreement_and_changes(
    contest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = protocol.request(contest, chair_of(contest))
    asked.refresh_from_db()
    assert asked.status == JuryProtocol.Status.READY, asked.error
    assert asked.file.name.endswith("-protocol.pdf")

    text = flat(pdf_text(asked.file.open("rb").read()))

    assert contest.title in text
    for member in contest.jury.select_related("user"):
        assert member.name in text
    computed = results.compute(contest, names=True)
    with translation.override("ru"):
        for entry_id, figures in computed.results.entries.items():
            entry = computed.entries[entry_id]
            assert entry["code"] in text and entry["title"] in text
            assert entry["participant"] in text  # the protocol is internal: names allowed
            for total in figures.totals.values():
                assert floatformat(total, 1) in text
        (ranking,) = computed.results.nominations.values()
        assert ranking.agreement.w is not None
        assert floatformat(ranking.agreement.w, 3) in text
    # The audit log: the chair's first draft of entry 2 and its change.
    assert "Критерий 1" in text and f"{contest.entry_prefix}/002" in text


def test_the_protocol_prints_a_capped_audit_log(contest, settings):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "PROTOCOL_MAX_AUDIT_ROWS": 2}
    lines, left_out = protocol.audit_log(contest)
    total = len(list(results.change_rows(contest)))
    assert len(lines) == 2 and left_out == total - 2 > 0


# --- Who reaches the chair's documents ----------------------------------------------------------

PAGES = ("protocol", "diplomas", "collection")
BUILDS = {"protocol": JuryProtocol, "diplomas": DiplomaBatch, "collection": WinnersCollection}


def page_url(name, contest, *args):
    return reverse(f"contests_jury:{name}", args=[contest.pk, *args])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, contest, name):
    response = client.get(page_url(name, contest))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("contests_jury:login"))


@pytest.mark.parametrize("name", PAGES)
def test_only_the_chair_and_entry_managers_reach_the_documents(contest, index, name):
    member = contest.jury.filter(role=JuryMember.Role.MEMBER).first().user
    other = judged_contest(index, entries=1, jurors=1)
    other_chair = chair_of(other)
    build = BUILDS[name].objects.create(contest=contest, status="ready")
    build.file.save("x.pdf", io.BytesIO(b"%PDF-1.4 x"), save=True)
    file_url = page_url(f"{name}_file", contest, build.pk)
    stranger = UserFactory()

    for user in (member, other_chair, stranger):
        client = signed_in(user)
        assert client.get(page_url(name, contest)).status_code == 404
        assert client.post(page_url(name, contest)).status_code == 404
        assert client.get(file_url).status_code == 404
    # The chair of another contest, asking for this contest's build through their own.
    assert signed_in(other_chair).get(page_url(f"{name}_file", other, build.pk)).status_code == 404

    manager = UserFactory()
    manager.user_permissions.add(Permission.objects.get(codename="change_entry"))
    for user in (chair_of(contest), manager):
        client = signed_in(user)
        page = client.get(page_url(name, contest))
        assert page.status_code == 200 and page["Cache-Control"] == "no-store"
        download = client.get(file_url)
        assert download.status_code == 200 and download["Cache-Control"] == "no-store"
        assert b"".join(download.streaming_content) == b"%PDF-1.4 x"


def test_the_chair_asks_for_the_protocol_and_downloads_it(
    contest, django_capture_on_commit_callbacks
):
    client = signed_in(chair_of(contest))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url("protocol", contest))
    assert response.status_code == 302
    made = JuryProtocol.objects.get()
    assert made.status == JuryProtocol.Status.READY, made.error

    page = client.get(page_url("protocol", contest)).content.decode()
    assert page_url("protocol_file", contest, made.pk) in page
    download = client.get(page_url("protocol_file", contest, made.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_refused_request_says_why_and_makes_nothing(contest):
    client = signed_in(chair_of(contest))
    response = client.post(page_url("diplomas", contest), follow=True)
    with translation.override("ru"):
        said = translation.gettext("Diplomas are prepared once the results are published.")
    assert said in response.content.decode()
    assert not DiplomaBatch.objects.exists()


def test_a_failed_or_unfinished_build_offers_no_download(contest):
    failed = JuryProtocol.objects.create(contest=contest, status="failed", error="Сбой")
    queued = JuryProtocol.objects.create(contest=contest)
    client = signed_in(chair_of(contest))
    page = client.get(page_url("protocol", contest)).content.decode()
    assert "Сбой" in page
    for build in (failed, queued):
        assert client.get(page_url("protocol_file", contest, build.pk)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_protocol(
    contest, settings, redis_url, use_broker, start_worker, wait_until
):
    app = use_broker(redis_url)
    worker = start_worker(
        app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}
    )

    made = protocol.request(contest, chair_of(contest))  # autocommit: sent at once

    ready = JuryProtocol.Status.READY
    wait_until(lambda: JuryProtocol.objects.get(pk=made.pk).status == ready, worker=worker)
    made.refresh_from_db()
    assert contest.title in pdf_text(made.file.open("rb").read())
    assert "kuzbib.contests.build_protocol" in worker.output()
