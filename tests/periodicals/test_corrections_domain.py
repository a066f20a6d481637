"""Readers' corrections of a line of OCR text (periodicals.domain.corrections): what a
suggestion must be, what accepting and rejecting do (the original ALTO kept, both texts
searched), a line's history, and who may moderate — an editor of a library that holds the
title, an archive-wide editor, a superuser; nobody else."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from periodicals import alto, corrections_query, text
from periodicals.domain import corrections
from periodicals.models import Correction, CorrectionModerator, Scan
from tests.factories import LibraryFactory
from tests.factories.jury import UserFactory
from tests.factories.periodicals import HoldingFactory, IssuePageFactory, TitlePageFactory
from tests.periodicals.corrections_data import make_issue, make_scan
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page):
    archive, title, issue = make_issue(home_page)
    scan = make_scan(issue)
    library = LibraryFactory(full_name="ЦБС Ленинска-Кузнецкого")
    HoldingFactory(title=title, library=library, summary="1957")
    editor = UserFactory(username="holder")
    CorrectionModerator.objects.create(user=editor, library=library)
    return {"archive": archive, "title": title, "issue": issue, "scan": scan, "editor": editor}


def refused_with(call, msgid, **values):
    with pytest.raises(corrections.Refused) as caught:
        call()
    assert caught.value.messages == [in_site_language(msgid, **values)]


def test_lines_are_the_ocr_with_hyphenated_words_joined(world):
    lines = corrections.ocr_lines(world["scan"])
    assert lines == {
        "line_1": "Шахта «Северная» выполнила план",
        "line_2": "досрочно. В клубе городской",
        "line_3": "библиотеки прошёл вечер.",
    }


def test_a_suggestion_is_kept_pending_with_the_text_before(world):
    correction = corrections.suggest(
        world["scan"], "line_1", "  Шахта «Северная»\r\nвыполнила  план.", "Читатель"
    )
    assert correction.status == Correction.Status.PENDING
    assert correction.original == "Шахта «Северная» выполнила план"
    # Line breaks and runs of spaces become one space.
    assert correction.proposed == "Шахта «Северная» выполнила план."
    assert correction.author_name == "Читатель"


@pytest.mark.parametrize(
    ("line", "proposed", "msgid"),
    [
        ("line_9", "Шахта", "This page has no such line."),
        ("", "Шахта", "This page has no such line."),
        ("line_1", "   \n ", "Type the line as it is printed."),
        ("line_1", "Шахта «Северная» выполнила план", None),  # the same text
        (
            "line_1",
            "Шахта\x00 план",
            "The text contains control characters; type it as plain text.",
        ),
        (
            "line_1",
            "Шахта \u202eналп",
            "The text contains control characters; type it as plain text.",
        ),
        ("line_1", "Шахта\x1b[31m", "The text contains control characters; type it as plain text."),
    ],
)
def test_bad_suggestions_are_refused(world, line, proposed, msgid):
    msgid = msgid or "The text is the same as the line's: change what is wrong in it."
    refused_with(lambda: corrections.suggest(world["scan"], line, proposed), msgid)
    assert not Correction.objects.exists()


def test_the_longest_line_is_taken_and_one_more_character_refused(world, settings):
    settings.KUZBIB_PERIODICALS = {"CORRECTION_MAX_CHARS": 40}
    corrections.suggest(world["scan"], "line_1", "я" * 40)
    refused_with(
        lambda: corrections.suggest(world["scan"], "line_1", "я" * 41),
        "The text is too long: at most %(max)d characters, %(length)d typed.",
        max=40,
        length=41,
    )


def test_a_page_without_readable_alto_has_no_lines(world):
    scan = world["scan"]
    scan.alto = "<not-alto/>"
    refused_with(lambda: corrections.suggest(scan, "line_1", "x"), "This page has no such line.")


def test_accepting_shows_the_new_text_and_both_are_searched(world):
    scan, editor = world["scan"], world["editor"]
    original_alto = scan.alto
    correction = corrections.suggest(scan, "line_1", "Шахта «Северная» выполнила норму")
    assert not text.matching(Scan.objects.all(), "норма").exists()

    corrections.accept(correction, editor)

    correction.refresh_from_db()
    scan.refresh_from_db()
    assert correction.status == Correction.Status.ACCEPTED
    assert correction.moderated_by == editor and correction.moderated_at
    assert scan.alto == original_alto  # the master text is never changed
    assert corrections.current_text(scan, "line_1") == "Шахта «Северная» выполнила норму"
    found = text.matching(Scan.objects.all(), "норма")
    assert list(found) == [scan]
    # The OCR's word is still found, and the hyphenated word joined across lines too.
    assert list(text.matching(Scan.objects.all(), "план")) == [scan]
    assert list(text.matching(Scan.objects.all(), "городская")) == [scan]


def test_a_second_correction_starts_from_the_accepted_text(world):
    scan, editor = world["scan"], world["editor"]
    first = corrections.suggest(scan, "line_3", "библиотеки прошёл вечер поэзии.")
    corrections.accept(first, editor)
    second = corrections.suggest(scan, "line_3", "библиотеки прошёл вечер поэзии!", "Н. К.")
    assert second.original == "библиотеки прошёл вечер поэзии."
    refused = corrections.suggest(scan, "line_3", "библиотеки прошли вечер")
    corrections.reject(refused, editor, "  Так напечатано. ")
    corrections.accept(second, editor)
    assert corrections.current_text(scan, "line_3") == "библиотеки прошёл вечер поэзии!"
    assert [c.pk for c in corrections.history(scan, "line_3")] == [first.pk, second.pk, refused.pk]
    refused.refresh_from_db()
    assert refused.status == Correction.Status.REJECTED and refused.reason == "Так напечатано."


def test_a_correction_is_decided_once(world):
    correction = corrections.suggest(world["scan"], "line_1", "Шахта «Южная» выполнила план")
    corrections.reject(correction, world["editor"])
    refused_with(
        lambda: corrections.accept(correction, world["editor"]),
        "This correction has been decided already: %(status)s.",
        status=in_site_language("rejected"),
    )


def test_who_moderates(world, home_page):
    scan = world["scan"]
    correction = corrections.suggest(scan, "line_1", "Шахта «Южная» выполнила план")
    # A moderator of a library that does not hold this title.
    other_title = TitlePageFactory(parent=world["archive"], title="Кузнецкій край")
    other_issue = IssuePageFactory(parent=other_title)
    other_library = LibraryFactory(full_name="Библиотека другого города")
    HoldingFactory(title=other_title, library=other_library)
    stranger = UserFactory(username="stranger")
    CorrectionModerator.objects.create(user=stranger, library=other_library)
    other_scan = make_scan(other_issue)
    theirs = corrections.suggest(other_scan, "line_2", "досрочно. В клубе городской!")
    archive_editor = UserFactory(username="archive")
    archive_editor.user_permissions.add(Permission.objects.get(codename="moderate_correction"))
    superuser = UserFactory(username="root", is_superuser=True)
    plain = UserFactory(username="plain", is_staff=True)

    assert list(corrections.moderated_by(world["editor"])) == [correction]
    assert list(corrections.moderated_by(stranger)) == [theirs]
    assert set(corrections.moderated_by(archive_editor)) == {correction, theirs}
    assert set(corrections.moderated_by(superuser)) == {correction, theirs}
    assert not corrections.moderated_by(plain).exists()
    assert corrections.is_moderator(stranger) and not corrections.is_moderator(plain)

    refused_with(
        lambda: corrections.accept(correction, stranger),
        "You do not moderate corrections of this title.",
    )
    refused_with(
        lambda: corrections.reject(correction, plain),
        "You do not moderate corrections of this title.",
    )
    corrections.accept(correction, archive_editor)
    corrections.reject(theirs, superuser, "Нет")


def test_shown_lines_in_one_query(world, django_assert_num_queries):
    from periodicals.corrections_query import shown_lines, shown_lines_of

    scan = world["scan"]
    for line, new in [("line_1", "Шахта «Южная» выполнила план"), ("line_3", "библиотеки!")]:
        corrections.accept(corrections.suggest(scan, line, new), world["editor"])
    corrections.suggest(scan, "line_2", "досрочно. В клубе городском")  # pending: not shown
    with django_assert_num_queries(1):
        shown = shown_lines(scan)
    assert shown == {"line_1": "Шахта «Южная» выполнила план", "line_3": "библиотеки!"}
    with django_assert_num_queries(1):
        assert shown_lines_of([scan.pk, 999999]) == {scan.pk: shown, 999999: {}}


def recognised_again(scan, lines):
    """The page as a new OCR run wrote it: ``lines`` of (line id, words)."""
    rows = [
        (line_id, [(word, 50 + 150 * n, 100 + 40 * index, 140, 30) for n, word in enumerate(words)])
        for index, (line_id, words) in enumerate(lines)
    ]
    scan.alto = alto.write(1200, 1700, rows).decode()
    scan.save(update_fields=["alto"])
    return corrections.reanchor(scan)


def test_corrections_follow_their_lines_when_the_page_is_recognised_again(world):
    scan, editor = world["scan"], world["editor"]
    first = corrections.suggest(scan, "line_1", "Шахта «Северная» выполнила норму")
    corrections.accept(first, editor)
    third = corrections.suggest(scan, "line_3", "библиотеки прошёл вечер поэзии.")
    corrections.accept(third, editor)
    pending = corrections.suggest(scan, "line_3", "библиотеки прошёл вечер поэзии!")

    # The new run numbers lines otherwise and gives «line_1» to what was the third line.
    moved = recognised_again(
        scan,
        [
            ("line_3", ["Шахта", "«Северная»", "выполнила", "план"]),
            ("line_5", ["досрочно.", "В", "клубе", "го-"]),
            ("line_1", ["родской", "библиотеки", "прошёл", "вечер."]),
        ],
    )

    assert moved == 2
    assert corrections_query.shown_lines(scan) == {
        "line_3": "Шахта «Северная» выполнила норму",
        "line_1": "библиотеки прошёл вечер поэзии.",
    }
    assert [c.pk for c in corrections.history(scan, "line_1")] == [third.pk, pending.pk]
    assert corrections.current_text(scan, "line_5") == "досрочно. В клубе городской"
    # Run once more with nothing changed: nothing moves.
    assert corrections.reanchor(scan) == 0


def test_a_line_the_new_run_reads_otherwise_loses_its_corrections_from_the_page(world):
    scan, editor = world["scan"], world["editor"]
    accepted = corrections.suggest(scan, "line_1", "Шахта «Северная» выполнила норму")
    corrections.accept(accepted, editor)
    pending = corrections.suggest(scan, "line_1", "Шахта «Северная» перевыполнила норму")
    poetry = corrections.suggest(scan, "line_3", "библиотеки прошёл вечер поэзии.")
    corrections.accept(poetry, editor)

    recognised_again(
        scan,
        [
            ("line_1", ["Шахта", "«Северная»", "выполнила", "план."]),
            ("line_2", ["досрочно.", "В", "клубе", "городской"]),
        ],
    )

    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert accepted.line == "" and pending.line == ""
    # The new OCR line is not mistaken for the corrected one.
    assert corrections_query.shown_lines(scan) == {}
    assert corrections.current_text(scan, "line_1") == "Шахта «Северная» выполнила план."
    assert corrections.history(scan, "") == []
    refused_with(
        lambda: corrections.accept(pending, editor),
        "This line is no longer on the page: the page was recognised again and reads "
        "differently. Reject the correction.",
    )
    corrections.reject(pending, editor)
    # The accepted texts of both lost lines stay searchable.
    corrections.reindex(scan)
    assert list(text.matching(Scan.objects.all(), "норма")) == [scan]
    assert list(text.matching(Scan.objects.all(), "поэзия")) == [scan]


def test_a_correction_admin_page_says_its_line_is_gone(world, client):
    scan = world["scan"]
    pending = corrections.suggest(scan, "line_2", "досрочно. В клубе городской!")
    recognised_again(scan, [("line_1", ["Другой", "текст"])])
    admin = UserFactory(username="главред", is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("periodicals_correction", args=[pending.pk]))
    assert response.status_code == 200
    assert (
        in_site_language(
            "page %(number)s; the line is no longer on the page (the page was recognised again and "
            "reads differently)",
            number=scan.number,
        )
        in response.content.decode()
    )
