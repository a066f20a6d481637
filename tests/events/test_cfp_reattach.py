"""A proposal form sent back with errors says which files must be attached again — browsers never
send a file twice: a notice at the top lists them (each a link to its field), and the field itself
carries a note that its input points to for screen readers. A form without a chosen file, or one
that went through, says nothing of the kind."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from events.forms import ProposalForm
from events.models import Proposal
from tests.factories import LibraryFactory
from tests.factories import files as sample
from tests.factories.events import open_cfp
from tests.site_language import in_site_language, in_site_language_plural

pytestmark = pytest.mark.django_db

URL = "/events/viii/propose/"


@pytest.fixture
def tree(conference_tree):
    open_cfp(conference_tree["conference"])
    return conference_tree


def form_data(tree, **overrides):
    return {
        "section": tree["methodology"].pk,
        "title": "Клубы чтения в сельской библиотеке",
        "abstract": "Как мы собрали клуб чтения для подростков.",
        "format": "report",
        "last_name": "Петрова",
        "first_name": "Анна",
        "email": "petrova@example.ru",
        "library": LibraryFactory().pk,
        "consent": "on",
        **overrides,
    }


def pdf():
    return SimpleUploadedFile("тезисы.pdf", sample.pdf(), content_type="application/pdf")


def page_of(response):
    return BeautifulSoup(response.content, "html.parser")


def test_an_error_names_the_file_to_attach_again(client, tree):
    response = client.post(URL, {**form_data(tree, title=""), "file": pdf()})
    assert Proposal.objects.count() == 0
    soup = page_of(response)
    notice = soup.find(id="reattach-notice")
    assert notice is not None
    message = in_site_language_plural(
        "The form was not sent, and the file you chose was not kept. Choose it again:",
        "The form was not sent, and the files you chose were not kept. Choose them again:",
        1,
    )
    assert notice.p.get_text(strip=True) == message
    links = notice.find_all("a")
    assert [link["href"] for link in links] == ["#id_file"]
    assert links[0].get_text(strip=True) == str(ProposalForm.base_fields["file"].label)
    # By the field: the note, and the input points to it.
    note = soup.find(id="id_file_reattach")
    assert note.get_text(strip=True) == in_site_language(
        "Choose the file again: files are not kept when the form has errors."
    )
    assert "id_file_reattach" in soup.find("input", id="id_file")["aria-describedby"].split()
    # Every other value is kept.
    assert soup.find("input", id="id_last_name")["value"] == "Петрова"


def test_a_refused_file_is_named_too(client, tree):
    """A file of the wrong kind is an error of its own field; it must be chosen again all the
    same (another one)."""
    exe = SimpleUploadedFile("тезисы.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    soup = page_of(client.post(URL, {**form_data(tree), "file": exe}))
    assert soup.find(id="reattach-notice") is not None
    assert soup.find(id="id_file_reattach") is not None


def test_no_notice_without_a_chosen_file(client, tree):
    soup = page_of(client.post(URL, form_data(tree, title="")))
    assert soup.find(id="reattach-notice") is None
    assert soup.find(id="id_file_reattach") is None
    assert "aria-describedby" not in soup.find("input", id="id_file").attrs or (
        "id_file_reattach" not in soup.find("input", id="id_file")["aria-describedby"]
    )


def test_no_notice_on_the_empty_form_or_after_success(client, tree):
    assert page_of(client.get(URL)).find(id="reattach-notice") is None
    response = client.post(URL, {**form_data(tree), "file": pdf()})
    assert response.status_code == 302
    assert Proposal.objects.get().file
