"""The jury chair's pages (``contests.jury.chair``): the results table, agreement and progress;
opening, closing, reopening and publishing; decisions on ties and special prizes with bad input
refused and nothing changed; reopening a sheet; the audit log; the score matrix as CSV and XLSX
with formulas neutralised; 404 for everyone but the contest's chair; queries that do not grow
with the contest."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from contests.domain import judging as judging_domain
from contests.domain import score_sheet
from contests.models import (
    Assignment,
    ChairDecision,
    Criterion,
    Entry,
    Judging,
    JuryMember,
    Score,
    ScoreSheet,
)
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import EntryFactory, JuryMemberFactory, judged_contest

pytestmark = pytest.mark.django_db

State = Judging.State


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


@pytest.fixture
def contest(index):
    """Blind, three entries, a chair and two members, judging open."""
    contest = judged_contest(index, entries=3, jurors=3, blind_judging=True)
    judging_domain.open_judging(contest, None)
    return contest


def chair_of(contest):
    return contest.jury.get(role=JuryMember.Role.CHAIR).user


def members_of(contest):
    return [member.user for member in contest.jury.filter(role=JuryMember.Role.MEMBER)]


@pytest.fixture
def chair_client(contest):
    client = Client()
    client.force_login(chair_of(contest))
    return client


def url(name, contest, *args):
    return reverse(f"contests_jury:{name}", args=[contest.pk, *args])


def submit_all(contest, values):
    """Every assignment gets a submitted sheet through the juror's own saves: the entry of
    number n scores ``values[n - 1]`` on every criterion."""
    criteria = list(Criterion.objects.filter(contest=contest))
    for assignment in Assignment.objects.filter(juror__contest=contest).select_related(
        "entry", "juror__user"
    ):
        value = values[assignment.entry.number - 1]
        cleaned = {c.pk: (min(value, c.max_score), False, "") for c in criteria}
        outcome = score_sheet.save(assignment, cleaned, assignment.juror.user, 0, submit=True)
        assert outcome.ok, outcome.errors


def state_of(contest):
    return judging_domain.judging_of(contest).state


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- The results page --------------------------------------------------------------------------


def test_the_chair_sees_the_ranking_agreement_progress_and_charts(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    response = chair_client.get(url("chair", contest))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # a private page, never cached
    page = response.content.decode()
    for entry in contest.entries.all():
        assert entry.code in page and entry.title in page
    assert page.count('role="img"') == 2  # the ranking's chart and the jurors' chart
    assert _("Agreement of the jury (Kendall's W)") in page
    assert "<strong>1,00</strong>" in page or "<strong>1.00</strong>" in page  # all agree
    for member in contest.jury.all():
        assert url("chair_sheets", contest, member.pk) in page
    # The documents the chair builds (contests.jury.documents).
    for name in ("protocol", "diplomas", "collection"):
        assert url(name, contest) in page
    assert _("Close judging") in page


def test_blind_judging_hides_the_participants_until_publication(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    entries = list(contest.entries.all())
    page = chair_client.get(url("chair", contest)).content.decode()
    for entry in entries:
        assert entry.last_name not in page and entry.library.full_name not in page
    judging_domain.close(contest, None)
    judging_domain.publish(contest, None)
    page = chair_client.get(url("chair", contest)).content.decode()
    for entry in entries:
        assert entry.last_name in page and entry.library.full_name in page


def test_an_open_contest_shows_the_participants(index):
    contest = judged_contest(index, entries=1, jurors=1, blind_judging=False)
    client = Client()
    client.force_login(chair_of(contest))
    page = client.get(url("chair", contest)).content.decode()
    assert contest.entries.get().last_name in page


def test_ties_contested_and_unranked_entries_are_marked(index):
    contest = judged_contest(index, entries=4, jurors=2, criteria=((1, 100),))
    judging_domain.open_judging(contest, None)
    [criterion] = Criterion.objects.filter(contest=contest)
    chair, member = contest.jury.order_by("pk")
    values = {1: (80, 80), 2: (80, 80), 3: (95, 5), 4: None}
    for assignment in Assignment.objects.filter(juror__contest=contest).select_related("entry"):
        pair = values[assignment.entry.number]
        if pair is None:
            continue
        value = pair[0] if assignment.juror_id == chair.pk else pair[1]
        score_sheet.save(
            assignment, {criterion.pk: (value, False, "")}, assignment.juror.user, 0, submit=True
        )
    client = Client()
    client.force_login(chair.user)
    response = client.get(url("chair", contest))
    page = response.content.decode()
    assert page.count('class="tied"') == 2
    assert page.count("data-contested") == 1
    assert _("tie: the chair's decision is needed") in page
    assert str(_("No submitted score sheet")) in page
    assert page.count('name="tie_order"') == 2


# --- Judging moves -----------------------------------------------------------------------------


def test_the_chair_closes_and_reopens_judging(contest, chair_client):
    response = chair_client.post(url("chair_judging", contest), {"action": "close"}, follow=True)
    assert state_of(contest) == State.CLOSED
    assert messages_of(response) == [_("Judging is closed: no more scores can be saved.")]
    chair_client.post(url("chair_judging", contest), {"action": "reopen"})
    assert state_of(contest) == State.OPEN
    log = judging_domain.judging_of(contest).log
    assert [line["action"] for line in log] == ["open", "close", "reopen"]
    assert log[-1]["user_id"] == chair_of(contest).pk


def test_a_refused_move_says_why_and_changes_nothing(contest, chair_client):
    for action, message in [
        ("open", "Judging is already open."),
        ("reopen", "Judging is already open."),
        ("launch", "Unknown action."),
    ]:
        response = chair_client.post(url("chair_judging", contest), {"action": action}, follow=True)
        assert messages_of(response) == [_(message)]
        assert state_of(contest) == State.OPEN
    assert len(judging_domain.judging_of(contest).log) == 1


def test_the_chair_opens_judging_from_the_jury_room(index):
    contest = judged_contest(index, entries=2, jurors=2, blind_judging=False)
    client = Client()
    client.force_login(chair_of(contest))
    assert _("Open judging") in client.get(url("chair", contest)).content.decode()
    client.post(url("chair_judging", contest), {"action": "open"})
    assert state_of(contest) == State.OPEN
    assert Assignment.objects.filter(juror__contest=contest).count() == 4


def test_moves_need_post_and_the_csrf_token(contest):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair_of(contest))
    assert client.get(url("chair_judging", contest)).status_code == 405
    assert client.post(url("chair_judging", contest), {"action": "close"}).status_code == 403
    assert state_of(contest) == State.OPEN


def test_publishing_is_confirmed_then_done(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    response = chair_client.post(url("chair_publish", contest), follow=True)
    assert messages_of(response) == [_("Close judging before publishing the results.")]
    assert state_of(contest) == State.OPEN

    judging_domain.close(contest, None)
    confirm = chair_client.get(url("chair_publish", contest))
    page = confirm.content.decode()
    # In blind judging the confirmation lists codes and titles, not names: the chair may still
    # reopen judging from here. Publishing reveals them.
    first = contest.entries.get(number=1)
    assert first.title in page and _("Publish the results") in page
    assert first.last_name not in page
    assert state_of(contest) == State.CLOSED

    response = chair_client.post(url("chair_publish", contest), follow=True)
    assert messages_of(response) == [_("The results are published.")]
    assert state_of(contest) == State.PUBLISHED
    assert contest.results.count() == 3
    assert first.last_name in chair_client.get(url("chair", contest)).content.decode()


# --- Decisions ---------------------------------------------------------------------------------


BAD_ORDER = "The order is a whole number from 1 to 999."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"field": "tie_order", "tie_order": "первый"}, BAD_ORDER),
        ({"field": "tie_order", "tie_order": "-1"}, BAD_ORDER),
        ({"field": "tie_order", "tie_order": "0"}, BAD_ORDER),
        ({"field": "tie_order", "tie_order": "1e9"}, BAD_ORDER),
        ({"field": "tie_order", "tie_order": "1000"}, BAD_ORDER),
        ({"field": "tie_order", "tie_order": "1.5"}, BAD_ORDER),
        ({"field": "verdict", "tie_order": "1"}, "Unknown decision."),
        (
            {"field": "special_prize", "special_prize": "П" * 256},
            "A special prize's name is at most 255 characters.",
        ),
        ({"field": "tie_order", "tie_order": "1", "entry": "абв"}, None),
        ({"field": "tie_order", "tie_order": "1", "entry": ""}, "Choose an entry."),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(contest, chair_client, data, message):
    entry = contest.entries.first()
    data = {"entry": str(entry.pk), **data}
    log = judging_domain.judging_of(contest).log
    response = chair_client.post(url("chair_decision", contest), data, follow=True)
    assert response.status_code == 200
    expected = message or "This entry is not one of the contest's entries ready for judging."
    assert _(expected) in messages_of(response)
    assert not ChairDecision.objects.exists()
    assert judging_domain.judging_of(contest).log == log


def test_a_decision_on_another_contests_or_a_withdrawn_entry_is_refused(
    contest, chair_client, index
):
    foreign = judged_contest(index, entries=1, jurors=1).entries.get()
    withdrawn = EntryFactory(contest=contest, status=Entry.Status.WITHDRAWN)
    for entry in (foreign, withdrawn):
        response = chair_client.post(
            url("chair_decision", contest),
            {"entry": entry.pk, "field": "special_prize", "special_prize": "Приз"},
            follow=True,
        )
        assert messages_of(response) == [
            _("This entry is not one of the contest's entries ready for judging.")
        ]
    assert not ChairDecision.objects.exists()


def test_the_chair_records_a_tie_order_and_a_special_prize(contest, chair_client):
    entry = contest.entries.get(number=2)
    chair_client.post(
        url("chair_decision", contest),
        {"entry": entry.pk, "field": "special_prize", "special_prize": "Приз зрителей"},
        follow=True,
    )
    response = chair_client.post(
        url("chair_decision", contest),
        {"entry": entry.pk, "field": "tie_order", "tie_order": "2"},
        follow=True,
    )
    assert messages_of(response) == [_("Decision on %(entry)s saved.") % {"entry": entry.code}]
    decision = ChairDecision.objects.get(entry=entry)
    assert (decision.tie_order, decision.special_prize) == (2, "Приз зрителей")
    assert decision.decided_by == chair_of(contest)
    assert "Приз зрителей" in response.content.decode()

    # Removing the prize keeps the order; clearing the order too removes the decision.
    chair_client.post(
        url("chair_decision", contest),
        {"entry": entry.pk, "field": "special_prize", "special_prize": ""},
    )
    assert ChairDecision.objects.get(entry=entry).tie_order == 2
    chair_client.post(
        url("chair_decision", contest), {"entry": entry.pk, "field": "tie_order", "tie_order": ""}
    )
    assert not ChairDecision.objects.exists()


def test_decisions_are_refused_once_published(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    judging_domain.close(contest, None)
    judging_domain.publish(contest, None)
    response = chair_client.post(
        url("chair_decision", contest),
        {"entry": contest.entries.first().pk, "field": "tie_order", "tie_order": "1"},
        follow=True,
    )
    assert messages_of(response) == [
        _("The results are published: the chair's decisions cannot change.")
    ]
    assert not ChairDecision.objects.exists()


# --- Sheets ------------------------------------------------------------------------------------


def test_the_chair_reopens_a_submitted_sheet_while_judging_is_open(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    member = contest.jury.filter(role=JuryMember.Role.MEMBER).first()
    sheet = ScoreSheet.objects.filter(assignment__juror=member).first()
    listing = chair_client.get(url("chair_sheets", contest, member.pk)).content.decode()
    assert url("chair_reopen_sheet", contest, sheet.pk) in listing

    judging_domain.close(contest, None)
    response = chair_client.post(url("chair_reopen_sheet", contest, sheet.pk), follow=True)
    assert messages_of(response) == [
        _("Judging is not open: open it again to reopen a score sheet.")
    ]
    sheet.refresh_from_db()
    assert sheet.is_submitted

    judging_domain.reopen_judging(contest, None)
    response = chair_client.post(url("chair_reopen_sheet", contest, sheet.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("chair_sheets", contest, member.pk)
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT
    assert sheet.changes.filter(field="status", new=ScoreSheet.Status.DRAFT).exists()

    response = chair_client.post(url("chair_reopen_sheet", contest, sheet.pk), follow=True)
    assert messages_of(response) == [
        _("This score sheet is not submitted: its juror can change it.")
    ]


def test_a_sheet_or_juror_of_another_contest_is_not_found(contest, chair_client, index):
    other = judged_contest(index, entries=1, jurors=1, blind_judging=False)
    judging_domain.open_judging(other, None)
    submit_all(other, [5])
    sheet = ScoreSheet.objects.get(assignment__juror__contest=other)
    assert chair_client.post(url("chair_reopen_sheet", contest, sheet.pk)).status_code == 404
    assert chair_client.post(url("chair_reopen_sheet", contest, 10**9)).status_code == 404
    juror = other.jury.get()
    assert chair_client.get(url("chair_sheets", contest, juror.pk)).status_code == 404
    sheet.refresh_from_db()
    assert sheet.is_submitted


# --- Audit log and exports ---------------------------------------------------------------------


def test_the_audit_log_lists_every_change_a_page_at_a_time(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    changes = contest.entries.count() * 3 * 3  # two scores and the submission per sheet
    assert ScoreSheet.objects.filter(assignment__juror__contest=contest).count() * 3 == changes
    first = chair_client.get(url("chair_changes", contest))
    assert first.status_code == 200
    assert len(first.context["rows"]) == min(changes, 50)
    page = first.content.decode()
    assert str(score_sheet.FIELD_LABELS["status"]) in page
    assert chair_client.get(url("chair_changes", contest) + "?page=нет").status_code == 200


@pytest.fixture
def hostile(contest):
    """A criterion named as a formula and a comment starting with «=», scored and submitted."""
    Criterion.objects.filter(contest=contest, sort_order=0).update(name='=HYPERLINK("x")')
    submit_all(contest, [9, 6, 3])
    Score.objects.filter(sheet__assignment__juror__contest=contest).update(comment="@SUM(A1)")
    return contest


def test_the_score_matrix_as_csv(hostile, chair_client):
    response = chair_client.get(url("chair_scores_csv", hostile))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/csv")
    assert "-scores.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    # A heading, then 3 jurors × 3 entries × 2 criteria.
    assert len(rows) == 1 + 3 * 3 * 2
    assert rows[0][0] == _("Juror")
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("x")' in cells and "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "@", "+", "-")) for cell in cells)


def test_the_score_matrix_as_xlsx_with_the_audit_log(hostile, chair_client):
    response = chair_client.get(url("chair_scores_xlsx", hostile))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    scores, log = workbook.worksheets
    assert (scores.title, log.title) == (_("Scores"), _("Change log"))
    rows = list(scores.values)
    assert len(rows) == 1 + 3 * 3 * 2
    assert rows[0][0] == _("Juror")
    assert any(row[4] == '\'=HYPERLINK("x")' for row in rows[1:])
    assert all(isinstance(row[7], int) for row in rows[1:])
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in rows for cell in row)
    assert len(list(log.values)) == 1 + 3 * 3 * 3


def test_the_audit_log_as_csv(contest, chair_client):
    submit_all(contest, [9, 6, 3])
    response = chair_client.get(url("chair_changes_csv", contest))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 1 + 3 * 3 * 3
    assert rows[0][0] == _("Changed at")


# --- Who may see the chair's pages ---------------------------------------------------------------


def chair_urls(contest):
    """Every chair URL of ``contest``, with its method."""
    juror = contest.jury.first()
    sheet = ScoreSheet.objects.filter(assignment__juror__contest=contest).first()
    return [
        ("get", url("chair", contest)),
        ("post", url("chair_judging", contest)),
        ("get", url("chair_publish", contest)),
        ("post", url("chair_publish", contest)),
        ("post", url("chair_decision", contest)),
        ("get", url("chair_sheets", contest, juror.pk)),
        ("post", url("chair_reopen_sheet", contest, sheet.pk)),
        ("get", url("chair_changes", contest)),
        ("get", url("chair_scores_csv", contest)),
        ("get", url("chair_scores_xlsx", contest)),
        ("get", url("chair_changes_csv", contest)),
    ]


def test_a_member_and_another_contests_chair_get_404_everywhere(contest, index):
    submit_all(contest, [9, 6, 3])
    other = judged_contest(index, entries=1, jurors=1)
    outsiders = [members_of(contest)[0], chair_of(other)]
    entry = contest.entries.first()
    for user in outsiders:
        client = Client()
        client.force_login(user)
        for method, address in chair_urls(contest):
            data = (
                {"action": "close", "entry": entry.pk, "field": "tie_order", "tie_order": "1"}
                if method == "post"
                else {}
            )
            response = getattr(client, method)(address, data)
            assert response.status_code == 404, (user, method, address)
    assert state_of(contest) == State.OPEN
    assert not ChairDecision.objects.exists()
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.DRAFT).exists()


def test_a_chair_whose_contest_is_unpublished_page_gets_404(contest):
    contest.unpublish()
    client = Client()
    client.force_login(chair_of(contest))
    assert client.get(url("chair", contest)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(contest):
    submit_all(contest, [9, 6, 3])
    client = Client()
    for method, address in chair_urls(contest):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("contests_jury:login"))
    assert state_of(contest) == State.OPEN


# --- Queries -----------------------------------------------------------------------------------


def test_the_chairs_pages_take_the_same_queries_with_more_entries(
    contest, chair_client, assert_queries_bounded
):
    submit_all(contest, [9, 6, 3])
    juror = contest.jury.filter(role=JuryMember.Role.MEMBER).first()
    urls = [
        url("chair", contest),
        url("chair_publish", contest),
        url("chair_sheets", contest, juror.pk),
        url("chair_changes", contest),
        url("chair_scores_csv", contest),
        url("chair_scores_xlsx", contest),
        url("chair_changes_csv", contest),
    ]

    def more():
        judging_domain.close(contest, None)
        for _n in range(9):
            EntryFactory(contest=contest, nomination=contest.nominations.first())
        judging_domain.reopen_judging(contest, None)  # assigns the new entries
        submit_more(contest)
        decision_entry = contest.entries.order_by("number").last()
        ChairDecision.objects.create(contest=contest, entry=decision_entry, special_prize="Приз")

    counts = assert_queries_bounded(urls, more, cap=25, client=chair_client)
    assert counts[0] <= 20


def submit_more(contest):
    criteria = list(Criterion.objects.filter(contest=contest))
    for assignment in Assignment.objects.filter(juror__contest=contest, sheet=None).select_related(
        "juror__user"
    ):
        cleaned = {c.pk: (c.max_score // 2, False, "") for c in criteria}
        assert score_sheet.save(assignment, cleaned, assignment.juror.user, 0, submit=True).ok


def test_a_juror_added_to_the_jury_shows_in_the_progress(contest, chair_client):
    added = JuryMemberFactory(contest=contest)
    response = chair_client.get(url("chair", contest))
    assert added.name in response.content.decode()
    stats = {juror["id"]: figures for juror, figures in response.context["juror_rows"]}
    assert stats[added.pk] is None  # no sheet yet: no figures, no error
