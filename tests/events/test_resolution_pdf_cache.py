"""The resolution PDF is rendered once per version of what it prints and served from the cache
after that: anonymous GETs do not each run WeasyPrint, while editing an item (a snippet edited
apart from the page) or publishing a new revision gives a new PDF at once."""

import io

import pypdf
import pytest
import weasyprint
from django.conf import settings
from django.core.cache import cache

from tests.factories import ResolutionItemFactory

pytestmark = pytest.mark.django_db

URL = "/events/viii/resolution/pdf/"


@pytest.fixture
def renders(monkeypatch):
    """How many PDFs WeasyPrint has written (the real method runs; it is only counted)."""
    calls = []
    write_pdf = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        calls.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    cache.clear()
    return calls


def text_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_repeated_gets_render_once(client, conference_tree, renders):
    first = client.get(URL)
    second = client.get(URL)
    third = client.get(URL, HTTP_USER_AGENT="crawler")
    assert len(renders) == 1
    assert first.content.startswith(b"%PDF-")
    assert second.content == first.content == third.content
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_editing_an_item_gives_a_new_pdf(client, conference_tree, renders):
    resolution = conference_tree["resolution"]
    item = ResolutionItemFactory(resolution=resolution, number="7", text="Открыть читальный зал")
    assert "Открыть читальный зал" in text_of(client.get(URL))
    item.text = "Открыть круглосуточный читальный зал"
    item.save()
    assert "Открыть круглосуточный читальный зал" in text_of(client.get(URL))
    item.delete()
    assert "читальный зал" not in text_of(client.get(URL))
    assert len(renders) == 3
    client.get(URL)
    assert len(renders) == 3


def test_a_new_assignee_section_title_gives_a_new_pdf(client, conference_tree, renders):
    resolution = conference_tree["resolution"]
    item = resolution.items.exclude(assignee_section=None).first()
    section = item.assignee_section
    client.get(URL)
    section.title = "Секция редких книг"
    section.save_revision().publish()
    assert "Секция редких книг" in text_of(client.get(URL))
    assert len(renders) == 2


def test_publishing_a_new_revision_gives_a_new_pdf(client, conference_tree, renders):
    resolution = conference_tree["resolution"]
    client.get(URL)
    resolution.preamble = "<p>Заслушав и обсудив доклады</p>"
    resolution.save_revision()  # a draft is not printed
    client.get(URL)
    assert len(renders) == 1
    resolution.save_revision().publish()
    assert "Заслушав и обсудив доклады" in text_of(client.get(URL))
    assert len(renders) == 2


def test_each_language_has_its_own_pdf(client, conference_tree, renders):
    """Russian by default, English when the visitor chose it with the switch (its cookie)."""
    russian = text_of(client.get(URL))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text_of(client.get(URL))
    assert "постановляет" in russian
    assert "постановляет" not in english
    assert len(renders) == 2
