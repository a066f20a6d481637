"""The winners' collection («Сборник конкурсных работ победителей»): the booklet binds a cover,
the contents with the right page numbers, and each winning work (places 1–3 and special prizes)
with its author and library — PDF pages as they are, documents' text, pictures; a broken or
hostile file becomes a note and the booklet goes on; the public route serves it once results
are published. Celery runs eagerly here."""

import re

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from contests import collection
from contests.diplomas import Refused
from contests.models import Entry, EntryFile, Judging, WinnersCollection
from tests.factories import files as sample
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.documents import publish_results
from tests.factories.jury import judged_contest

pytestmark = pytest.mark.django_db

DOCX_TEXT = "Квест «Литературный Мариинск» прошёл по шести адресам города."


def ru(message):
    with translation.override("ru"):
        return gettext(message)


def not_included(name):
    return ru("The file «%(name)s» could not be included.") % {"name": name}


def attach(entry, name, kind, data=b"", text=""):
    stored = EntryFile(entry=entry, original_name=name, kind=kind, size=len(data), text=text)
    if data:
        stored.file.save(name, ContentFile(data), save=False)
    stored.save()
    return stored


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


@pytest.fixture
def contest(index):
    """Five entries: 1 a 3-page PDF, 2 a DOCX, 3 a picture, 4 (a certificate only) a PDF, and 5
    with a special prize and a PDF cut short; results published."""
    contest = judged_contest(index, entries=5, title="КНИГИНЯ-2009")
    entries = {entry.number: entry for entry in Entry.objects.filter(contest=contest)}
    attach(entries[1], "проект.pdf", "pdf", sample.pdf(pages=3))
    attach(entries[2], "квест.docx", "docx", sample.docx([DOCX_TEXT]), text=DOCX_TEXT)
    attach(entries[3], "афиша.png", "png", sample.image("png", (2400, 1800)))
    attach(entries[4], "участник.pdf", "pdf", sample.pdf("Работа без места"))
    attach(entries[5], "сломанный.pdf", "pdf", sample.truncated_pdf())
    publish_results(contest, special_prizes={entries[5]: "За смелость"})
    return contest


def build(contest, callbacks):
    with callbacks(execute=True):
        made = collection.request(contest, None)
    made.refresh_from_db()
    assert made.status == WinnersCollection.Status.READY, made.error
    return made, PdfReader(made.file.open("rb"))


def texts(reader):
    return [page.extract_text() for page in reader.pages]


def test_the_collection_waits_for_the_published_results(index):
    contest = judged_contest(index, entries=1)
    Judging.objects.create(contest=contest, state=Judging.State.CLOSED)
    with pytest.raises(Refused):
        collection.request(contest, None)
    assert not WinnersCollection.objects.exists()


def test_the_booklet_binds_each_winning_work_after_cover_and_contents(
    contest, django_capture_on_commit_callbacks
):
    made, reader = build(contest, django_capture_on_commit_callbacks)
    pages = texts(reader)
    whole = "\n".join(pages)

    assert made.work_count == 4 and made.page_count == len(reader.pages)
    assert contest.title in pages[0]
    assert re.sub(r"\s+", " ", ru("Collection of the winners' contest works")) in re.sub(
        r"\s+", " ", pages[0]
    )
    winners = Entry.objects.filter(contest=contest, number__in=[1, 2, 3, 5]).select_related(
        "library"
    )
    for entry in winners:
        assert entry.title in whole and entry.full_name in whole
        assert entry.library.full_name in whole
    assert "Работа без места" not in whole
    assert Entry.objects.get(contest=contest, number=4).title not in whole
    # The PDF work's own pages, the document's text, and the broken file's note.
    for number in (1, 2, 3):
        assert any(f"Страница {number}" in page for page in pages)
    assert DOCX_TEXT in re.sub(r"\s+", " ", whole)
    assert re.sub(r"\s+", " ", not_included("сломанный.pdf")) in re.sub(r"\s+", " ", whole)


def test_the_contents_give_the_page_of_each_work(contest, django_capture_on_commit_callbacks):
    _made, reader = build(contest, django_capture_on_commit_callbacks)
    pages = texts(reader)
    contents = pages[1]

    for entry in Entry.objects.filter(contest=contest, number__in=[1, 2, 3, 5]):
        found = re.search(re.escape(entry.title) + r".*?\.{3,}\s*(\d+)", contents, re.DOTALL)
        assert found, f"{entry.title} not in the contents:\n{contents}"
        title_page = pages[int(found.group(1)) - 1]
        assert entry.title in title_page and entry.full_name in title_page


def test_hostile_and_broken_files_become_notes(index, django_capture_on_commit_callbacks):
    contest = judged_contest(index, entries=2)
    first, second = Entry.objects.filter(contest=contest).order_by("number")
    attach(first, "пароль.pdf", "pdf", sample.encrypted_pdf())
    attach(first, "огромная.png", "png", sample.huge_png())
    attach(first, "высокая.pdf", "pdf", sample.pdf_with_page(200, 100_000))
    attach(first, "удалён.pdf", "pdf")  # erased: no file left
    attach(second, "не-картинка.png", "png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    attach(second, "пустой.docx", "docx", sample.docx([""]))
    publish_results(contest)

    _made, reader = build(contest, django_capture_on_commit_callbacks)

    whole = re.sub(r"\s+", " ", "\n".join(texts(reader)))
    for name in ("пароль.pdf", "огромная.png", "удалён.pdf", "не-картинка.png", "пустой.docx"):
        assert re.sub(r"\s+", " ", not_included(name)) in whole, name
    # The page 100,000 points tall is bound in, scaled down to fit A4.
    assert max(float(page.mediabox.height) for page in reader.pages) <= 842


def test_a_file_past_the_memory_ceiling_is_left_out(index):
    contest = judged_contest(index, entries=1)
    entry = Entry.objects.get(contest=contest)
    # Within the pixel limit, but decoding it takes ~50 MB: more than a 16 MB ceiling allows.
    attach(entry, "плакат.png", "png", sample.huge_png(7000, 7000))
    attach(entry, "проект.pdf", "pdf", sample.pdf(pages=1))
    publish_results(contest)
    asked = collection.request(contest, None)  # its message is not sent: run here

    made = collection.build(asked.pk, memory=16 * 1024 * 1024)

    assert made.status == WinnersCollection.Status.READY, made.error
    whole = re.sub(r"\s+", " ", "\n".join(texts(PdfReader(made.file.open("rb")))))
    assert re.sub(r"\s+", " ", not_included("плакат.png")) in whole
    assert "Страница 1" in whole


def test_a_long_pdf_is_cut_at_the_setting(index, settings, django_capture_on_commit_callbacks):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "COLLECTION_MAX_PAGES_PER_WORK": 2}
    contest = judged_contest(index, entries=1)
    attach(Entry.objects.get(contest=contest), "длинная.pdf", "pdf", sample.pdf(pages=5))
    publish_results(contest)

    made, reader = build(contest, django_capture_on_commit_callbacks)

    whole = "\n".join(texts(reader))
    assert "Страница 2" in whole and "Страница 3" not in whole
    with translation.override("ru"):
        note = gettext("Only the first %(count)s pages of «%(name)s» are included.") % {
            "count": 2,
            "name": "длинная.pdf",
        }
    assert re.sub(r"\s+", " ", note) in re.sub(r"\s+", " ", whole)
    assert made.page_count == len(reader.pages)
    assert sum("Страница" in text for text in texts(reader)) == 2


def test_the_contest_page_offers_the_collection_once_published(
    client, contest, django_capture_on_commit_callbacks
):
    route = contest.url + contest.reverse_subpage("collection")
    assert client.get(route).status_code == 404  # published, but none ready yet
    made, _reader = build(contest, django_capture_on_commit_callbacks)

    response = client.get(route)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == made.file.open("rb").read()
    assert route in client.get(contest.url).content.decode()

    Judging.objects.filter(contest=contest).update(state=Judging.State.CLOSED)
    response = client.get(route)
    assert response.status_code == 404
    assert ru("The winners' collection is not ready") in response.content.decode()
    assert route not in client.get(contest.url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_compiles_the_collection(
    contest, settings, redis_url, use_broker, start_worker, wait_until
):
    app = use_broker(redis_url)
    worker = start_worker(
        app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}
    )

    made = collection.request(contest, None)  # autocommit: sent to the worker at once

    ready = WinnersCollection.Status.READY
    wait_until(lambda: WinnersCollection.objects.get(pk=made.pk).status == ready, worker=worker)
    made.refresh_from_db()
    assert made.work_count == 4 and made.page_count == len(PdfReader(made.file.open("rb")).pages)
    assert "kuzbib.contests.build_winners_collection" in worker.output()
