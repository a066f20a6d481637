"""The public correction form of a line of an issue's text (``ispravit/<page>/<line>/``),
without JavaScript or an account: a reader corrects a line and is thanked; bad input gets a
clear message and saves nothing (unknown line, page out of range, empty, the same text, control
characters, a 10 MB body); hostile HTML is shown escaped; only open issues have the form; the
form is throttled; the line's history publishes accepted corrections only; bounded queries."""

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from kuzbib_site.base import dates
from periodicals.domain import corrections
from periodicals.models import Correction, CorrectionModerator, IssuePage, Scan
from tests.factories import LibraryFactory
from tests.factories.jury import UserFactory
from tests.factories.periodicals import HoldingFactory
from tests.periodicals.corrections_data import make_issue, make_scan
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

THANKS = "Thank you! The correction will appear once an editor has checked it."


@pytest.fixture
def issue(home_page):
    _archive, title, issue = make_issue(home_page)
    issue.scan = make_scan(issue)
    issue.title_page = title
    return issue


def form_url(issue, number=1, line="line_1"):
    return f"{issue.url}ispravit/{number}/{line}/"


def history_url(issue, number=1, line="line_1"):
    return f"{issue.url}istoriya/{number}/{line}/"


def test_a_reader_corrects_a_line_and_is_thanked(client, issue, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = client.get(form_url(issue))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Шахта «Северная» выполнила план" in page  # the line, in the text box too
    # The line's clip, cut from the page image by the reader's clip route.
    (src,) = re.findall(r'<img src="([^"]+)"', page.split('class="correction__clip"')[1])[:1]
    assert src.startswith(f"{issue.url}klip/1/44-94-") and src.endswith("/image/")
    image = client.get(src)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert 'name="csrfmiddlewaretoken"' in page

    with django_assert_max_num_queries(30):
        response = client.post(
            form_url(issue), {"text": "Шахта «Северная» выполнила план.", "author_name": "Н. К."}
        )
    assert response.status_code == 303
    assert response["Location"] == f"{issue.url}ispravit/spasibo/"
    correction = Correction.objects.get()
    assert (correction.scan, correction.line) == (issue.scan, "line_1")
    assert correction.proposed == "Шахта «Северная» выполнила план."
    assert correction.author_name == "Н. К."
    assert correction.status == Correction.Status.PENDING

    response = client.get(response["Location"])
    assert response.status_code == 200
    assert in_site_language(THANKS) in response.content.decode()


def test_the_hyphenated_words_line_is_corrected_as_it_reads(client, issue):
    response = client.get(form_url(issue, line="line_2"))
    assert "досрочно. В клубе городской" in response.content.decode()


@pytest.mark.parametrize(
    ("number", "line"),
    [(2, "line_1"), (0, "line_1"), (99999999, "line_1"), (1, "line_9"), (1, "x" * 65)],
)
def test_unknown_pages_and_lines_are_not_found(client, issue, number, line):
    assert client.get(form_url(issue, number, line)).status_code == 404
    assert client.post(form_url(issue, number, line), {"text": "x"}).status_code == 404
    assert client.get(history_url(issue, number, line)).status_code == 404
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("", "Type the line as it is printed."),
        ("  \r\n ", "Type the line as it is printed."),
        (
            "Шахта «Северная» выполнила план",
            "The text is the same as the line's: change what is wrong in it.",
        ),
        ("Шахта\x07 план", "The text contains control characters; type it as plain text."),
        ("Шахта \u2066план", "The text contains control characters; type it as plain text."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, issue, text, msgid):
    response = client.post(form_url(issue), {"text": text})
    assert response.status_code == 200
    assert escape(in_site_language(msgid)) in response.content.decode()
    assert not Correction.objects.exists()


def test_a_too_long_line_is_refused(client, issue, settings):
    settings.KUZBIB_PERIODICALS = {"CORRECTION_MAX_CHARS": 30}
    response = client.post(form_url(issue), {"text": "щ" * 31})
    message = in_site_language(
        "The text is too long: at most %(max)d characters, %(length)d typed."
    ) % {"max": 30, "length": 31}
    assert message in response.content.decode()
    assert not Correction.objects.exists()


def test_a_ten_megabyte_body_is_refused_without_an_error(client, issue):
    response = client.post(form_url(issue), {"text": "я" * (5 * 1024 * 1024)})
    assert response.status_code in (400, 413)
    assert not Correction.objects.exists()


def test_hostile_html_is_kept_as_text_and_shown_escaped(client, issue):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(form_url(issue), {"text": hostile, "author_name": "<b>Я</b>"})
    assert response.status_code == 303
    correction = Correction.objects.get()
    assert correction.proposed == hostile  # stored as typed, never interpreted
    editor = UserFactory(username="holder")
    library = LibraryFactory()
    HoldingFactory(title=issue.title_page, library=library)
    CorrectionModerator.objects.create(user=editor, library=library)
    corrections.accept(correction, editor)
    page = client.get(history_url(issue)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<b>Я</b>" not in page
    page = client.get(form_url(issue)).content.decode()
    assert "<script>alert" not in page


def test_a_reading_room_issue_has_the_form_in_the_reading_room(client, issue, settings):
    issue.access = IssuePage.Access.READING_ROOM
    issue.save_revision().publish()
    settings.KUZBIB_PERIODICALS = {"READING_ROOM_NETWORKS": ["127.0.0.0/8"]}
    response = client.get(form_url(issue))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]  # depends on the reader's address
    response = client.post(form_url(issue), {"text": "Шахта «Северная» выполнила план."})
    assert response.status_code == 303
    settings.KUZBIB_PERIODICALS = {"READING_ROOM_NETWORKS": ["192.0.2.0/24"]}
    assert client.get(form_url(issue)).status_code == 404


@pytest.mark.parametrize("access", [IssuePage.Access.READING_ROOM, IssuePage.Access.METADATA])
def test_issues_whose_text_is_closed_have_no_form(client, issue, access):
    issue.access = access
    issue.save_revision().publish()
    assert client.get(form_url(issue)).status_code == 404
    assert client.post(form_url(issue), {"text": "Шахта"}).status_code == 404
    assert client.get(history_url(issue)).status_code == 404
    assert client.get(f"{issue.url}ispravit/spasibo/").status_code == 404
    assert "ispravit/" not in client.get(issue.url).content.decode()
    assert "ispravit/" not in client.get(f"{issue.url}1/").content.decode()
    assert not Correction.objects.exists()


def test_the_form_is_throttled_per_address(client, issue, settings):
    settings.KUZBIB_BASE = {
        **settings.KUZBIB_BASE,
        "THROTTLE": {
            "ENABLED": True,
            "WINDOW_SECONDS": 3600,
            "LIMITS": {"periodical_correction": {"ip": 2}},
        },
    }
    from django.core.cache import cache

    cache.clear()
    for word in ("план.", "план!"):
        response = client.post(form_url(issue), {"text": f"Шахта «Северная» выполнила {word}"})
        assert response.status_code == 303
    response = client.post(form_url(issue), {"text": "Шахта «Северная» выполнила план?"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert Correction.objects.count() == 2
    # What was typed is kept.
    assert "выполнила план?" in response.content.decode()


def test_a_get_never_writes_and_is_not_throttled(client, issue, settings):
    settings.KUZBIB_BASE = {
        **settings.KUZBIB_BASE,
        "THROTTLE": {"ENABLED": True, "LIMITS": {"periodical_correction": {"ip": 1}}},
    }
    for _ in range(3):
        assert client.get(form_url(issue)).status_code == 200
    assert not Correction.objects.exists()


def test_the_history_publishes_accepted_corrections_only(
    client, issue, django_assert_max_num_queries
):
    editor = UserFactory(username="root", is_superuser=True)
    first = corrections.suggest(issue.scan, "line_1", "Шахта «Северная» выполнила план.", "Н. К.")
    corrections.accept(first, editor)
    corrections.suggest(issue.scan, "line_1", "Спам спам спам")
    rejected = corrections.suggest(issue.scan, "line_1", "Отклонённый текст")
    corrections.reject(rejected, editor, "нет")
    with django_assert_max_num_queries(25):
        response = client.get(history_url(issue))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Шахта «Северная» выполнила план<" in page  # the OCR's text
    assert "Шахта «Северная» выполнила план.<" in page and "Н. К." in page
    assert "Спам" not in page and "Отклонённый" not in page
    # The day it was accepted, through the one date helper («1 декабря 2026 г.»).
    first.refresh_from_db()
    with translation.override("ru"):
        assert f", {dates.day(first.moderated_at)}</p>" in page
    # The form starts from the accepted text.
    assert "выполнила план.</textarea>" in client.get(form_url(issue)).content.decode()


def test_the_correction_link_include(rf, issue):
    from django.template.loader import render_to_string

    html = render_to_string(
        "periodicals/includes/correction_link.html",
        {"issue": issue, "number": 1, "line": "line_1", "corrected": True},
    )
    assert f'href="{issue.url}ispravit/1/line_1/"' in html
    assert f'href="{issue.url}istoriya/1/line_1/"' in html
    assert in_site_language("corrected by a reader") in html
    plain = render_to_string(
        "periodicals/includes/correction_link.html",
        {"issue": issue, "number": 1, "line": "line_1", "corrected": False},
    )
    assert "istoriya" not in plain


def test_the_issue_page_shows_corrected_lines_and_a_link_on_every_line(
    client, issue, django_assert_max_num_queries
):
    scan = issue.scan
    Scan.objects.filter(pk=scan.pk).update(tiled=True)  # the reader shows tiled pages
    editor = UserFactory(username="root", is_superuser=True)
    accepted = corrections.suggest(scan, "line_3", "библиотеки прошёл вечер поэзии.")
    corrections.accept(accepted, editor)
    corrections.suggest(scan, "line_1", "Шахта «Южная» выполнила план")  # pending: not shown
    with django_assert_max_num_queries(40):
        page = client.get(f"{issue.url}?q=поэзия").content.decode()
    for line in ("line_1", "line_2", "line_3"):
        assert f'href="{issue.url}ispravit/1/{line}/"' in page
    assert f'href="{issue.url}istoriya/1/line_3/"' in page
    assert f'href="{issue.url}istoriya/1/line_1/"' not in page
    assert in_site_language("corrected by a reader") in page
    assert "<mark>поэзии.</mark>" in page  # the corrected text, its words found
    assert "Шахта «Северная» выполнила план" in page and "Южная" not in page
