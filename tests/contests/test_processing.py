"""The entry processing pipeline without a worker: what the inspection finds in each kind of
file and in hostile ones, how entries end (ready / needs attention), duplicates, idempotency,
the attempt limit, the sweeper and the participant's view. Tests with real worker processes and
Redis are in test_pipeline_faults.py."""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.core import mail
from django.utils import timezone

from contests import inspection, processing, submission, tasks
from contests.conf import setting
from contests.domain import entry as entries
from contests.models import Entry, EntryFlag
from tests.factories import files as sample
from tests.factories.contests import entry_data, uploads

pytestmark = pytest.mark.django_db

KINDS = ["pdf", "docx", "pptx", "odt", "jpeg", "png"]
MB = 1024 * 1024


def look(name, data, kinds=KINDS, max_bytes=5 * MB):
    return inspection.inspect(io.BytesIO(data), name, kinds, max_bytes)


def submitted(contest, *files, **overrides):
    """An entry saved as the form saves it, not yet processed."""
    return submission.submit(contest, entry_data(contest, **overrides), uploads(*files))


# --- Inspection of one file --------------------------------------------------------------------


def test_pdf_text_pages_words_preview_and_hash():
    data = sample.pdf(pages=3)
    report = look("работа.pdf", data)
    assert report.problem == "" and report.kind == "pdf"
    assert report.pages == 3 and "клуб чтения" in report.text and report.words > 50
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.preview.startswith(b"\x89PNG")


def test_office_documents_and_images():
    docx = look("a.docx", sample.docx(["Первый абзац о краеведении.", sample.LOREM]))
    assert docx.kind == "docx" and "краеведении" in docx.text and docx.words > 20
    pptx = look("a.pptx", sample.pptx(["Квест по городу", "Итоги", "Спасибо"]))
    assert pptx.kind == "pptx" and pptx.pages == 3 and "Квест по городу" in pptx.text
    odt = look("a.odt", sample.odt(["Семейное чтение"], page_count=4))
    assert odt.kind == "odt" and odt.pages == 4 and odt.text == "Семейное чтение"
    for kind in ("png", "jpeg"):
        picture = look(f"a.{kind}", sample.image(kind, size=(2000, 1000)))
        assert picture.kind == kind and picture.pages == 1 and picture.problem == ""
        assert picture.preview.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 300, "проверено содержимое"),
        ("cut.pdf", sample.truncated_pdf(), "обрезан"),
        ("locked.pdf", sample.encrypted_pdf(), "защищён паролем"),
        ("empty.pdf", b"", "пуст"),
        ("bomb.docx", None, "распаковывается"),
        ("junk.docx", b"PK\x03\x04" + b"\x00" * 50, "повреждён"),
    ],
)
def test_hostile_files_get_a_problem_not_an_exception(name, data, message):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/document.xml", "<w:document/>" + "0" * 5_000_000)
        data = buffer.getvalue()
    assert message in look(name, data).problem


def test_a_damaged_office_document_is_reported_as_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "not xml at all <<<")
    report = look("slides.pptx", buffer.getvalue())
    assert "повреждён" in report.problem and report.text == ""


def test_xml_entities_are_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ха"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;">]>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        "<text:p>&c;</text:p></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", laughs)
    report = look("laughs.odt", buffer.getvalue())
    assert "хаха" not in report.text


def test_an_image_with_too_many_pixels_is_not_decoded(settings):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "IMAGE_MAX_PIXELS": 1000}
    report = look("poster.png", sample.image(size=(100, 100)))
    assert "слишком" in report.problem and report.preview is None


def test_a_disallowed_kind_and_one_byte_over_the_limit():
    assert "PDF" in look("a.png", sample.image(), kinds=["pdf"]).problem
    data = sample.pdf()
    assert look("a.pdf", data, max_bytes=len(data)).problem == ""
    assert "не более" in look("a.pdf", data, max_bytes=len(data) - 1).problem


def test_text_is_capped(settings):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "TEXT_MAX_CHARS": 100}
    report = look("a.docx", sample.docx([sample.LOREM * 5]))
    assert len(report.text) == 100


# --- Similar texts -----------------------------------------------------------------------------


def test_signatures_tell_copies_from_different_texts():
    text = sample.words(1, 400)
    edited = text.replace(text.split()[10], "правка", 1)
    assert processing.similarity(processing.signature(text), processing.signature(text)) == 1
    assert processing.similarity(processing.signature(text), processing.signature(edited)) > 0.8
    other = processing.signature(sample.words(2, 400))
    assert processing.similarity(processing.signature(text), other) < 0.2
    assert processing.signature("слишком коротко") == []
    assert processing.similarity([], other) == 0


# --- The pipeline ------------------------------------------------------------------------------


def test_a_good_entry_becomes_ready_once(contest, settings, django_capture_on_commit_callbacks):
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    entry = submitted(
        contest, ("работа.pdf", sample.pdf(pages=2), "pdf"), ("слайды.pptx", sample.pptx(), "pptx")
    )
    with django_capture_on_commit_callbacks(execute=True):
        processing.run(entry.pk)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY and entry.status_reason == ""
    pdf, pptx = entry.files.all()
    assert pdf.pages == 2 and pptx.pages == 2 and pdf.words > 20 and pdf.sha256
    assert pdf.preview and pdf.preview.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert entry.processing_attempts == 1 and entry.processed_at
    (message,) = mail.outbox
    assert entry.code in message.subject and "готова к оценке" in message.subject.lower()
    before = (entry.processing_log, [f.processed_at for f in entry.files.all()])
    with django_capture_on_commit_callbacks(execute=True):
        assert processing.run(entry.pk) is None
    entry.refresh_from_db()
    assert (entry.processing_log, [f.processed_at for f in entry.files.all()]) == before
    assert len(mail.outbox) == 1


def test_identical_files_and_similar_texts_are_flagged(contest):
    text = sample.words(7, 300)
    document = sample.docx([text])
    first = submitted(contest, ("a.docx", document, "docx"))
    processing.run(first.pk)
    copy = submitted(contest, ("b.docx", document, "docx"), email="b@example.ru")
    near = submitted(contest, ("c.odt", sample.odt([text.replace(" ", "  ", 3) + " и ещё"]), "odt"))
    other = submitted(contest, ("d.docx", sample.docx([sample.words(8, 300)]), "docx"))
    for entry in (copy, near, other):
        processing.run(entry.pk)
    copy.refresh_from_db()
    near.refresh_from_db()
    other.refresh_from_db()
    first.refresh_from_db()
    assert first.status == other.status == Entry.Status.READY
    kinds = {flag.kind: flag for flag in copy.flags.all()}
    assert kinds[EntryFlag.Kind.EXACT_DUPLICATE].other_entry == first
    assert copy.status == Entry.Status.NEEDS_ATTENTION and "идентичен" in copy.status_reason
    (flag,) = near.flags.all()
    assert flag.kind == EntryFlag.Kind.NEAR_DUPLICATE and flag.similarity > 0.5
    assert flag.other_entry in (first, copy) and "похож" in near.status_reason
    assert first.code not in near.status_reason  # another entry's number is for managers only
    assert any(first.code in line["message"] for line in copy.processing_log)


def test_withdrawn_entries_are_not_compared(contest):
    text = sample.words(3, 300)
    first = submitted(contest, ("a.docx", sample.docx([text]), "docx"))
    processing.run(first.pk)
    Entry.objects.filter(pk=first.pk).update(status=Entry.Status.WITHDRAWN)
    second = submitted(contest, ("b.docx", sample.docx([text]), "docx"))
    processing.run(second.pk)
    second.refresh_from_db()
    assert second.status == Entry.Status.READY and not second.flags.exists()


def test_a_bad_file_found_by_the_worker_needs_attention(contest):
    # Files that passed the form under older rules, or were placed by hand, are checked again.
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    stored = entry.files.get()
    with open(stored.file.path, "wb") as handle:
        handle.write(b"MZ\x90\x00" + b"\x00" * 300)
    processing.run(entry.pk)
    entry.refresh_from_db()
    stored.refresh_from_db()
    assert entry.status == Entry.Status.NEEDS_ATTENTION
    assert (
        "проверено содержимое" in stored.problem and "проверено содержимое" in entry.status_reason
    )


def test_runs_that_keep_dying_are_given_up(contest, settings):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    for attempt in range(1, setting("PROCESSING_MAX_ATTEMPTS") + 1):
        assert entries.start_processing(entry.pk) is not None  # a run that then dies
        assert Entry.objects.get(pk=entry.pk).processing_attempts == attempt
    assert processing.run(entry.pk) is None
    entry.refresh_from_db()
    assert entry.status == Entry.Status.NEEDS_ATTENTION
    assert "вручную" in entry.status_reason
    assert entry.processing_log[-1]["level"] == "error"


def test_a_run_finishing_after_another_changes_nothing(contest):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    entries.start_processing(entry.pk)
    stored = entry.files.get()
    with stored.file.open("rb") as handle:
        report = inspection.inspect(handle, "a.pdf", KINDS, 5 * MB)
    assert processing.finish(entry.pk, {stored.pk: report}) is not None
    assert processing.finish(entry.pk, {stored.pk: report}) is None
    entry.refresh_from_db()
    assert [line["message"] for line in entry.processing_log].count(
        "Обработка завершена: готова к оценке."
    ) == 1


def test_withdrawal_during_processing_wins(contest):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    entries.start_processing(entry.pk)
    entries.withdraw(entry)
    stored = entry.files.get()
    assert processing.finish(entry.pk, {stored.pk: look("a.pdf", sample.pdf())}) is None
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.WITHDRAWN


def test_give_up_after_the_soft_time_limit(contest):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    entries.start_processing(entry.pk)
    entries.give_up(entry.pk, "Processing took longer than allowed.")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.NEEDS_ATTENTION
    assert entry.processing_log[-1]["message"] == "Обработка заняла больше отведённого времени."


def test_the_sweeper_sends_what_waits_too_long(
    contest, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    waiting = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    fresh = submitted(contest, ("b.pdf", sample.pdf(sample.words(11, 80)), "pdf"))
    stuck_run = submitted(contest, ("c.pdf", sample.pdf(sample.words(12, 80)), "pdf"))
    entries.start_processing(stuck_run.pk, now=now - datetime.timedelta(hours=1))
    Entry.objects.filter(pk__in=[waiting.pk, stuck_run.pk]).update(
        created_at=now - datetime.timedelta(hours=1)
    )
    assert processing.stuck(now) == [waiting.pk, stuck_run.pk]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep()  # eager: the re-sent tasks run here
    statuses = dict(Entry.objects.values_list("pk", "status"))
    assert statuses[waiting.pk] == statuses[stuck_run.pk] == Entry.Status.READY
    assert statuses[fresh.pk] == Entry.Status.RECEIVED
    # Their receipts were never sent either (the broker was down): the sweeper sent them too.
    receipts = [m for m in mail.outbox if "получена" in m.subject]
    assert {m.to[0] for m in receipts} == {"ivanova@example.ru"} and len(receipts) == 2


def test_reprocess_starts_again(contest, django_capture_on_commit_callbacks):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"))
    processing.run(entry.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert entries.reprocess(Entry.objects.get(pk=entry.pk), user="editor")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY and entry.processing_attempts == 1
    assert any("editor" in line["message"] for line in entry.processing_log)


# --- The participant's side --------------------------------------------------------------------


def test_state_endpoint_follows_processing_and_never_writes(client, contest):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"), title="<script>x</script>")
    url = contest.url + f"entry/{entry.token}/state/"
    state = client.get(url).json()
    assert state == {"status": "received", "label": "получена", "reason": "", "pending": True}
    page = client.get(contest.url + f"entry/{entry.token}/").content.decode()
    assert "entry-status.js" in page and "&lt;script&gt;" in page
    processing.run(entry.pk)
    state = client.get(url).json()
    assert state["status"] == "ready" and state["pending"] is False
    assert (
        "entry-status.js" not in client.get(contest.url + f"entry/{entry.token}/").content.decode()
    )
    for token in ("forged", "x" * 3000, "%00", "' OR 1=1 --"):
        assert client.get(contest.url + f"entry/{token}/state/").status_code == 404
    # The endpoint only reads: a POST, even one asking to withdraw, changes nothing.
    before = Entry.objects.values().get()
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 405 or response.json() == state
    assert Entry.objects.values().get() == before


def test_status_email_escapes_html(contest, django_capture_on_commit_callbacks):
    entry = submitted(contest, ("a.pdf", sample.pdf(), "pdf"), title="<img src=x onerror=alert(1)>")
    with django_capture_on_commit_callbacks(execute=True):
        processing.run(entry.pk)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<img src=x" not in html and "&lt;img" in html


def test_the_time_limit_holds_even_where_celery_cannot_enforce_it(contest, settings):
    # The solo pool and eager mode have no time limits; the pipeline's own deadline still stops.
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "PROCESSING_SOFT_TIME_LIMIT": 0}
    entry = submitted(contest, ("a.pdf", sample.pdf(pages=2), "pdf"))
    tasks.process_entry(entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.NEEDS_ATTENTION
    assert entry.processing_log[-1]["message"] == "Обработка заняла больше отведённого времени."


def test_queries_of_the_participant_and_manager_pages_do_not_grow_with_files(
    admin_client, contest, assert_queries_bounded
):
    contest.files_per_entry = 5
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    counts = []
    for n in (1, 4):
        entry = submitted(
            contest,
            *[
                (f"{i}.docx", sample.docx([sample.words(100 * n + i, 80)]), "docx")
                for i in range(n)
            ],
        )
        processing.run(entry.pk)
        urls = [
            contest.url + f"entry/{entry.token}/",
            contest.url + f"entry/{entry.token}/state/",
        ]
        inspect = f"/admin/snippets/contests/entry/inspect/{entry.pk}/"
        public = [assert_queries_bounded.count(url) for url in urls]
        counts.append((public, assert_queries_bounded.count(inspect, client=admin_client)))
    assert counts[0] == counts[1]
    assert counts[1][0][0] <= 20
