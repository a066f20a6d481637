"""The juror's side of the jury room (contests.jury.views): the dashboard, an entry with its
score sheet, files and previews. A juror reaches only their own assigned entries (404 for any
guessed number or id), sees nothing of the participant in blind judging, downloads files under
neutral names, and no bad input changes anything or answers 500; queries do not grow with the
contest."""

import datetime
import random

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import assignment as assignments
from contests.domain import score_sheet
from contests.models import (
    Assignment,
    ContestPage,
    Entry,
    EntryFile,
    Judging,
    Score,
    ScoreChange,
    ScoreSheet,
)
from tests.factories.base import LibraryFactory, MunicipalityFactory
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import EntryFileFactory, judged_contest

pytestmark = pytest.mark.django_db

PARTICIPANT = ("Соколова", "Дарья", "Мариинская центральная библиотека", "sokolova@example.ru")


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


def start_judging(contest):
    Judging.objects.update_or_create(contest=contest, defaults={"state": Judging.State.OPEN})
    assignments.assign(contest)


def with_participant(entry):
    """Give ``entry`` a recognisable participant and a file with a blind copy, preview and
    texts (the original's text names her; the jury's is redacted)."""
    last, first, library, email = PARTICIPANT
    entry.last_name, entry.first_name, entry.email = last, first, email
    entry.library = LibraryFactory(full_name=library, short_name="Мариинская ЦБ")
    entry.save()
    return EntryFileFactory(
        entry=entry,
        original_name=f"{last}_{first}_проект.pdf",
        text=f"Проект подготовила {last} {first}, {library}.",
        blind_file=ContentFile(b"%PDF-1.4 blind\n%%EOF\n", name="blind.pdf"),
        blind_text="Проект подготовила [автор], [библиотека].",
        preview=ContentFile(b"\x89PNG preview", name="preview.png"),
    )


@pytest.fixture
def room(index):
    """A blind contest with three entries, every juror on every entry, judging open; the first
    entry has a participant and a file. Returns (contest, juror, client signed in as them)."""
    contest = judged_contest(index, entries=3, jurors=2, blind_judging=True)
    with_participant(contest.entries.get(number=1))
    start_judging(contest)
    juror = contest.jury.get(role="member")
    client = Client()
    client.force_login(juror.user)
    return contest, juror, client


def entry_url(contest, number, suffix=""):
    return reverse("contests_jury:entry", args=[contest.pk, number]) + suffix


def file_url(contest, number, stored, kind="entry_file"):
    return reverse(f"contests_jury:{kind}", args=[contest.pk, number, stored.pk])


def everything(contest):
    """What a refused request must leave as it was."""
    return (
        list(ScoreSheet.objects.order_by("pk").values_list("status", "version", "comment")),
        list(Score.objects.order_by("pk").values_list("criterion_id", "value", "comment")),
        ScoreChange.objects.count(),
        list(Assignment.objects.order_by("pk").values_list("conflict_declared_at", flat=True)),
    )


def sheet_data(contest, version=0, action="save", **fields):
    data = {"version": str(version), "action": action, "comment": ""}
    for criterion in contest.criteria.all():
        data[f"score_{criterion.pk}"] = ""
        data[f"comment_{criterion.pk}"] = ""
    data.update(fields)
    return data


def first_criteria(contest):
    return list(contest.criteria.order_by("sort_order"))


# --- The dashboard -----------------------------------------------------------------------------


def test_dashboard_lists_my_entries_in_my_order_with_progress(room):
    contest, juror, client = room
    mine = list(Assignment.objects.filter(juror=juror).select_related("entry"))
    first, second = first_criteria(contest)
    score_sheet.save(mine[0], {first.pk: (3, False, "")}, juror.user, 0)
    full = {first.pk: (3, False, ""), second.pk: (2, False, "")}
    score_sheet.save(mine[1], full, juror.user, 0, submit=True)

    response = client.get(reverse("contests_jury:dashboard"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    positions = [html.index(entry_url(contest, a.entry.number)) for a in mine]
    assert positions == sorted(positions)  # the juror's own order
    assert contest.title in html and "Номинация 1" in html
    assert "1 of 3" in html or "1 из 3" in html
    for text in PARTICIPANT:
        assert text not in html


def test_dashboard_hides_entries_until_judging_opens(room):
    contest, juror, client = room
    Judging.objects.filter(contest=contest).update(state=Judging.State.PREPARING)
    html = client.get(reverse("contests_jury:dashboard")).content.decode()
    assert contest.title in html
    assert entry_url(contest, 1) not in html
    assert client.get(entry_url(contest, 1)).status_code == 404


def test_the_jury_room_needs_a_signed_in_juror(room, client):
    contest, _juror, _client = room
    response = client.get(reverse("contests_jury:dashboard"))
    assert response.status_code == 302 and reverse("contests_jury:login") in response["Location"]
    assert client.get(entry_url(contest, 1)).status_code == 302


# --- What a juror may reach --------------------------------------------------------------------


def test_a_juror_reaches_only_their_assigned_entries_files_and_previews(index, room):
    contest, juror, client = room
    stored = EntryFile.objects.get(entry__number=1)
    other_entry = contest.entries.get(number=2)
    other_file = EntryFileFactory(entry=other_entry)
    assert client.get(entry_url(contest, 1)).status_code == 200
    assert client.get(file_url(contest, 1, stored)).status_code == 200
    assert client.get(file_url(contest, 1, stored, "entry_preview")).status_code == 200

    # Entry 2 taken off the juror (as if never assigned), entry 3 given up by a conflict.
    Assignment.objects.filter(juror=juror, entry=other_entry).delete()
    assignments.declare_conflict(
        Assignment.objects.get(juror=juror, entry__number=3), "Коллега", juror.user
    )
    # Another contest where the juror is not on the jury; an entry out of judging.
    elsewhere = judged_contest(
        ContestIndexPageFactory(parent=index.get_parent(), slug="elsewhere"), entries=1
    )
    start_judging(elsewhere)
    foreign_file = EntryFileFactory(entry=elsewhere.entries.get())

    refused = [
        entry_url(contest, 2),
        entry_url(contest, 3),
        entry_url(contest, 99),
        entry_url(elsewhere, 1),
        file_url(contest, 2, other_file),
        file_url(contest, 1, other_file),  # another entry's file through my entry
        file_url(contest, 1, foreign_file),
        file_url(elsewhere, 1, foreign_file),
        file_url(contest, 2, other_file, "entry_preview"),
        file_url(contest, 1, other_file, "entry_preview"),
        reverse("contests_jury:entry_file", args=[contest.pk, 1, 10**9]),
        reverse("contests_jury:entry", args=[10**9, 1]),
    ]
    for url in refused:
        assert client.get(url).status_code == 404, url
    before = everything(contest)
    assert client.post(entry_url(contest, 2), sheet_data(contest)).status_code == 404
    conflict = entry_url(contest, 2, "conflict/")
    assert client.post(conflict, {"reason": "Коллега"}).status_code == 404
    assert everything(contest) == before

    # Out of judging: withdrawn after it was assigned.
    Entry.objects.filter(number=1, contest=contest).update(status=Entry.Status.WITHDRAWN)
    assert client.get(entry_url(contest, 1)).status_code == 404
    assert client.get(file_url(contest, 1, stored)).status_code == 404


def test_a_juror_never_sees_another_jurors_scores(room):
    contest, juror, client = room
    chair = contest.jury.get(role="chair")
    theirs = Assignment.objects.get(juror=chair, entry__number=1)
    first, second = first_criteria(contest)
    full = {first.pk: (9, False, "Замечание председателя"), second.pk: (4, False, "")}
    score_sheet.save(theirs, {**full, "comment": "Итог председателя"}, chair.user, 0, submit=True)
    html = client.get(entry_url(contest, 1)).content.decode()
    assert "Замечание председателя" not in html and "Итог председателя" not in html
    assert 'value="9"' not in html


# --- Blind judging -----------------------------------------------------------------------------


def test_blind_page_names_nobody_and_files_have_neutral_names(room):
    contest, _juror, client = room
    stored = EntryFile.objects.get(entry__number=1)

    html = client.get(entry_url(contest, 1)).content.decode()
    for text in (*PARTICIPANT, "Мариинская ЦБ", stored.original_name, "Ивановна"):
        assert text not in html, text
    assert "[автор]" in html  # the redacted text

    response = client.get(file_url(contest, 1, stored))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 blind\n%%EOF\n"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{contest.entry_prefix}' not in disposition  # Latin letters only
    assert disposition.endswith('-001-1.pdf"') and disposition.isascii()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_blind_judging_withholds_what_could_name_the_author(room):
    contest, _juror, client = room
    stored = EntryFile.objects.get(entry__number=1)
    EntryFile.objects.filter(pk=stored.pk).update(preview_shows_author=True)
    assert client.get(file_url(contest, 1, stored, "entry_preview")).status_code == 404
    assert (
        file_url(contest, 1, stored, "entry_preview")
        not in client.get(entry_url(contest, 1)).content.decode()
    )
    # No blind copy yet: no download at all rather than the original.
    EntryFile.objects.filter(pk=stored.pk).update(blind_file="", blind_text="")
    assert client.get(file_url(contest, 1, stored)).status_code == 404
    html = client.get(entry_url(contest, 1)).content.decode()
    assert "Проект подготовила" not in html and file_url(contest, 1, stored) not in html


def test_open_judging_shows_the_participant_and_the_original_file(room):
    contest, _juror, client = room
    ContestPage.objects.filter(pk=contest.pk).update(blind_judging=False)
    stored = EntryFile.objects.get(entry__number=1)
    EntryFile.objects.filter(pk=stored.pk).update(preview_shows_author=True)

    html = client.get(entry_url(contest, 1)).content.decode()
    for text in PARTICIPANT:
        assert text in html, text
    assert "Проект подготовила Соколова" in html
    response = client.get(file_url(contest, 1, stored))
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert client.get(file_url(contest, 1, stored, "entry_preview")).status_code == 200


# --- The score sheet ---------------------------------------------------------------------------


def test_a_juror_saves_a_draft_sends_it_and_then_sees_it_locked(room):
    contest, juror, client = room
    first, second = first_criteria(contest)
    url = entry_url(contest, 1)
    page = client.get(url).content.decode()
    assert 'name="version" value="0"' in page

    response = client.post(
        url, sheet_data(contest, **{f"score_{first.pk}": "7", f"comment_{first.pk}": "Сильно"})
    )
    assert response.status_code == 302 and response["Location"].endswith("#sheet")
    sheet = ScoreSheet.objects.get(assignment__juror=juror, assignment__entry__number=1)
    assert sheet.version == 1 and sheet.scores.get().value == 7

    # Sending with a criterion missing: the draft is kept, the missing one named.
    incomplete = client.post(url, sheet_data(contest, 1, "submit", **{f"score_{first.pk}": "8"}))
    assert incomplete.status_code == 200
    assert str(score_sheet.INCOMPLETE) in incomplete.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.version == 2
    assert 'name="version" value="2"' in incomplete.content.decode()

    sent = client.post(
        url,
        sheet_data(contest, 2, "submit", **{f"score_{first.pk}": "8", f"na_{second.pk}": "on"}),
    )
    assert sent.status_code == 302 and "?confirm=1" in sent["Location"]
    confirm = client.get(url + "?confirm=1").content.decode()
    assert 'value="confirm"' in confirm
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT
    assert client.post(url, {"action": "confirm", "version": "3"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.is_submitted

    locked = client.get(url).content.decode()
    assert 'name="action"' not in locked and 'name="score_' not in locked
    assert str(score_sheet.LOCKED) in locked


@pytest.mark.parametrize(
    "bad",
    [
        {"score_FIRST": "семь"},
        {"score_FIRST": "11"},
        {"score_FIRST": "-1"},
        {"score_FIRST": "1e3"},
        {"score_FIRST": "7.5"},
        {"score_FIRST": "9" * 5000},
        {"score_FIRST": "99999999999999999999999999"},
        {"score_FIRST": "5", "na_FIRST": "on"},
        {"score_FOREIGN": "5"},
        {"score_12345678901234567890": "5"},
        {"version": "abc"},
        {"version": "-1"},
        {"version": "7"},
        {"version": ""},
        {"comment_FIRST": "я" * 2001},
        {"comment": "я" * 5001},
    ],
)
def test_bad_input_on_the_sheet_changes_nothing(room, home_page, bad):
    contest, juror, client = room
    first, _second = first_criteria(contest)
    foreign = judged_contest(
        ContestIndexPageFactory(parent=home_page, slug="foreign"), entries=0, jurors=0
    ).criteria.first()
    mine = Assignment.objects.get(juror=juror, entry__number=1)
    score_sheet.save(mine, {first.pk: (4, False, "Было")}, juror.user, 0)
    before = everything(contest)
    data = sheet_data(contest, 1, **{f"score_{first.pk}": "6"})
    for key, value in bad.items():
        data[key.replace("FIRST", str(first.pk)).replace("FOREIGN", str(foreign.pk))] = value

    response = client.post(entry_url(contest, 1), data)

    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert everything(contest) == before


def test_a_ten_megabyte_comment_is_refused_with_nothing_changed(room):
    contest, _juror, client = room
    before = everything(contest)
    data = sheet_data(contest, comment="я" * (10 * 1024 * 1024))
    response = client.post(entry_url(contest, 1), data)
    assert response.status_code in {400, 413}
    assert everything(contest) == before


def test_no_scores_after_judging_closes_and_none_on_a_sent_sheet(room):
    contest, juror, client = room
    first, second = first_criteria(contest)
    mine = Assignment.objects.get(juror=juror, entry__number=2)
    full = {first.pk: (3, False, ""), second.pk: (2, False, "")}
    score_sheet.save(mine, full, juror.user, 0, submit=True)
    before = everything(contest)
    response = client.post(
        entry_url(contest, 2), sheet_data(contest, 1, **{f"score_{first.pk}": "1"})
    )
    assert response.status_code == 200 and str(score_sheet.LOCKED) in response.content.decode()
    confirm = client.post(entry_url(contest, 2), {"action": "confirm", "version": "1"})
    assert confirm.status_code == 200

    Judging.objects.filter(contest=contest).update(state=Judging.State.CLOSED)
    response = client.post(entry_url(contest, 1), sheet_data(contest, **{f"score_{first.pk}": "1"}))
    html = response.content.decode()
    assert response.status_code == 200 and str(score_sheet.NOT_OPEN) in html
    assert 'name="action"' not in html  # read-only: no sheet form, no conflict form
    assert client.post(entry_url(contest, 1, "conflict/"), {"reason": "x"}).status_code == 200
    assert everything(contest) == before


def test_two_tabs_the_second_save_is_refused_and_shows_both(room):
    contest, juror, client = room
    first, second = first_criteria(contest)
    url = entry_url(contest, 1)
    # Both tabs opened the empty sheet; the first one saves.
    client.post(url, sheet_data(contest, 0, **{f"score_{first.pk}": "9"}))
    before = everything(contest)

    response = client.post(
        url,
        sheet_data(contest, 0, **{f"score_{second.pk}": "3", f"comment_{second.pk}": "Вторая"}),
    )

    html = response.content.decode()
    assert response.status_code == 200 and str(score_sheet.STALE) in html
    assert 'name="version" value="1"' in html and 'value="9"' in html  # what is saved now
    assert "Вторая" in html  # what this tab sent, to enter again
    assert everything(contest) == before


def test_declaring_a_conflict_takes_the_entry_off_the_list(room):
    contest, juror, client = room
    url = entry_url(contest, 1, "conflict/")
    before = everything(contest)
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is needed
    assert client.post(url, {"reason": "я" * 1001}).status_code == 200
    assert client.get(url).status_code == 405
    assert everything(contest) == before

    response = client.post(url, {"reason": "Автор работает со мной"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "contests_jury:dashboard"
    )
    mine = Assignment.objects.get(juror=juror, entry__number=1)
    assert mine.conflict_reason == "Автор работает со мной"
    assert client.get(entry_url(contest, 1)).status_code == 404
    assert (
        entry_url(contest, 1) not in client.get(reverse("contests_jury:dashboard")).content.decode()
    )


# --- Queries -----------------------------------------------------------------------------------


def grow(contest, juror, entries, rng):
    """Add ``entries`` ready entries with a file each, every juror assigned, and sheets with
    every criterion scored for the given juror and the others (half of them sent)."""
    nomination = contest.nominations.first()
    municipality = MunicipalityFactory()
    start = contest.entries.order_by("-number").values_list("number", flat=True).first()
    now = timezone.now()
    made = Entry.objects.bulk_create(
        Entry(
            contest=contest,
            number=start + n + 1,
            nomination=nomination,
            last_name=f"Участникова{n}",
            first_name="Мария",
            email=f"p{n}@example.ru",
            municipality=municipality,
            birth_date=datetime.date(1990, 1, 1),
            consent_given_at=now,
            title=f"Работа {n}",
            status=Entry.Status.READY,
        )
        for n in range(entries)
    )
    EntryFile.objects.bulk_create(
        EntryFile(entry=entry, file="x.pdf", original_name="x.pdf", kind="pdf", size=1)
        for entry in made
    )
    jurors = list(contest.jury.all())
    new = Assignment.objects.bulk_create(
        Assignment(juror=member, entry=entry, order_key=rng.randrange(2**31 - 1))
        for entry in made
        for member in jurors
    )
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(
            assignment=item,
            status=ScoreSheet.Status.SUBMITTED if n % 2 else ScoreSheet.Status.DRAFT,
            version=1,
        )
        for n, item in enumerate(new)
    )
    criteria = list(contest.criteria.all())
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=criterion, value=1)
        for sheet in sheets
        for criterion in criteria
    )


def test_queries_of_the_dashboard_and_the_sheet_do_not_grow(index, assert_queries_bounded):
    contest = judged_contest(index, entries=3, jurors=9, criteria=[(1, 10)] * 6, blind_judging=True)
    start_judging(contest)
    juror = contest.jury.get(role="member", pk=contest.jury.order_by("pk")[1].pk)
    for entry in contest.entries.all():
        EntryFileFactory(entry=entry)
    mine = Assignment.objects.filter(juror=juror).order_by("order_key").first()
    first = contest.criteria.order_by("sort_order").first()
    score_sheet.save(mine, {first.pk: (5, False, "")}, juror.user, 0)
    client = Client()
    client.force_login(juror.user)

    counts = assert_queries_bounded(
        [reverse("contests_jury:dashboard"), entry_url(contest, mine.entry.number)],
        lambda: grow(contest, juror, 497, random.Random(10)),
        cap=20,
        client=client,
    )

    assert Assignment.objects.filter(juror=juror).count() == 500
    assert Score.objects.count() == 497 * 9 * 6 + 1
    assert counts == [10, 15], counts
