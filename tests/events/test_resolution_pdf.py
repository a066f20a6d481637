"""The resolution as a PDF, read back with pypdf."""

import io
import re

import pypdf
import pytest

from tests.factories import ResolutionItemFactory

pytestmark = pytest.mark.django_db

URL = "/events/viii/resolution/pdf/"


def pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_resolution_page_links_to_its_pdf(client, conference_tree):
    html = client.get("/events/viii/resolution/").content.decode()
    assert f'href="{URL}"' in html


def test_pdf_is_an_attachment_with_an_ascii_filename(client, conference_tree):
    response = client.get(URL)
    assert response.content.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="resolution-8-2008-12-16.pdf"'
    assert disposition.isascii()


def test_pdf_has_title_date_items_assignees_and_statuses(client, conference_tree):
    resolution = conference_tree["resolution"]
    resolution.preamble = "<p>Заслушав доклады, участники сессии</p>"
    resolution.save_revision().publish()
    ResolutionItemFactory(
        resolution=resolution,
        number="5",
        text="Провести конкурс молодых библиотекарей",
        assignee_body="Совет НБП",
        due_date="2009-06-01",
    )
    text = pdf_text(client.get(URL))
    assert "Резолюция" in text and "VIII Ежегодная сессия" in text
    assert "2008" in text  # adopted on
    assert "Заслушав доклады" in text
    assert "постановляет" in text and "рекомендует" in text
    assert "Провести конкурс молодых библиотекарей" in text
    # Items keep their numbers and order: 4, 4.1, 4.10, 5 decided; 2 recommended.
    numbers = re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)\. Пункт резолюции", text)
    assert numbers == ["4", "4.1", "4.10", "2"]
    assert text.index("4.10. ") < text.index("5. Провести")
    assert "Совет НБП" in text and "Секция краеведческой работы" in text
    assert "2009" in text  # due date
    for item in resolution.items.all():
        assert item.get_status_display() in text


def test_names_with_html_are_printed_as_text(client, conference_tree):
    resolution = conference_tree["resolution"]
    ResolutionItemFactory(
        resolution=resolution,
        number="6",
        text='<b>Жирный</b> <img src="file:///etc/passwd"> пункт',
        assignee_body="<i>Комиссия</i>",
    )
    text = pdf_text(client.get(URL))
    assert "<b>Жирный</b>" in text
    assert "<i>Комиссия</i>" in text


def test_unknown_pdf_routes_are_not_found(client, conference_tree):
    assert client.get(f"{URL}extra/").status_code == 404
    assert client.get("/events/viii/resolution/pdf.pdf/").status_code == 404
    assert client.get(URL, {"status": "<x>", "kind": "\x00"}).status_code == 200
