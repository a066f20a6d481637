"""The admin's side of entry processing: the entry's page (previews, text, flags, log), the
managers' actions (process again, disqualify, withdraw), the flags filter and the ZIP of all
entries. Entries are submitted with real documents and processed by the eager pipeline."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from contests import archive, submission
from contests.models import EntriesArchive, Entry, EntryFlag
from tests.factories import files as sample
from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    NominationFactory,
    contest_staff,
    entry_data,
    uploads,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/contests/entry/"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def inspect_url(entry):
    return f"/admin/snippets/contests/entry/inspect/{entry.pk}/"


def action_url(entry, action):
    return f"/admin/contests/entries/{entry.pk}/{action}/"


@pytest.fixture
def contest(home_page):
    index = ContestIndexPageFactory(parent=home_page)
    contest = ContestPageFactory(
        parent=index, slug="k", title="КНИГИНЯ-2009", entry_prefix="КНИГИНЯ-2009"
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    return contest


@pytest.fixture
def submit(contest, django_capture_on_commit_callbacks):
    """Submit an entry and let the eager pipeline process it, as a worker would."""

    def submit(title="Клуб чтения", files=None, **overrides):
        files = files or [("работа.pdf", sample.pdf(sample.words(title)), "pdf")]
        with django_capture_on_commit_callbacks(execute=True):
            entry = submission.submit(
                contest, entry_data(contest, title=title, **overrides), uploads(*files)
            )
        entry.refresh_from_db()
        return entry

    return submit


@pytest.fixture
def manager(django_user_model):
    return contest_staff("manager", "view_entry", "change_entry")


@pytest.fixture
def viewer(django_user_model):
    return contest_staff("viewer", "view_entry")


@pytest.fixture
def outsider(django_user_model):
    return contest_staff("outsider")


# --- The entry's page --------------------------------------------------------------------------


def test_entry_page_shows_what_processing_found(client, manager, submit):
    text = sample.words("первая работа")
    first = submit(title="Клуб чтения", files=[("работа.pdf", sample.pdf(text), "pdf")])
    copy = submit(
        title=HOSTILE,
        files=[("копия.pdf", sample.pdf(text), "pdf"), ("слайды.pptx", sample.pptx(), "pptx")],
    )
    assert copy.status == Entry.Status.NEEDS_ATTENTION
    client.force_login(manager)
    response = client.get(inspect_url(copy))
    html = response.content.decode()
    assert response.status_code == 200
    assert HOSTILE not in html and escape(HOSTILE) in html
    pdf_file, pptx_file = copy.files.all()
    assert pdf_file.preview and f"/admin/contests/previews/{pdf_file.pk}/" in html
    assert pdf_file.sha256 in html and "<details" in html
    assert text.split()[0] in html  # the extracted text
    assert f">{pdf_file.pages}<" in html and f">{pdf_file.words}<" in html
    assert pptx_file.pages == 2 and escape(pptx_file.original_name) in html
    assert inspect_url(first) in html  # the flag links to the matching entry
    for line in copy.processing_log:
        assert escape(line["message"]) in html
    # The earlier entry's page says that a later one matches it.
    assert inspect_url(copy) in client.get(inspect_url(first)).content.decode()


def test_preview_only_for_those_who_may_see_entries(client, viewer, outsider, submit):
    entry = submit(files=[("работа.pdf", sample.pdf(), "pdf"), ("текст.odt", sample.odt(), "odt")])
    with_preview, without = entry.files.all()
    url = f"/admin/contests/previews/{with_preview.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert not without.preview
    assert client.get(f"/admin/contests/previews/{without.pk}/").status_code == 404
    assert client.get("/admin/contests/previews/999999/").status_code == 404


# --- Actions -----------------------------------------------------------------------------------


def test_disqualify_and_withdraw_with_a_reason(
    client, manager, submit, django_capture_on_commit_callbacks
):
    first, second = submit(), submit(title="Квест по городу")
    sent = len(mail.outbox)
    client.force_login(manager)
    reason = "Работа не по теме <b>конкурса</b>"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(first, "disqualify"), {"disqualify-reason": reason})
    assert response.status_code == 302 and response["Location"] == inspect_url(first)
    first.refresh_from_db()
    assert first.status == Entry.Status.DISQUALIFIED and first.status_reason == reason
    assert "manager" in first.processing_log[-1]["message"]
    assert reason in first.processing_log[-1]["message"]
    (message,) = mail.outbox[sent:]
    assert message.to == [first.email] and reason in message.body
    assert escape(reason) in message.alternatives[0][0]
    page = client.get(inspect_url(first)).content.decode()
    assert escape(reason) in page and reason not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(second, "withdraw"), {"withdraw-reason": "По просьбе автора"})
    second.refresh_from_db()
    assert second.status == Entry.Status.WITHDRAWN and second.withdrawn_at is not None
    assert second.status_reason == "По просьбе автора" and len(mail.outbox) == sent + 2

    # A final status stays: disqualifying a withdrawn entry changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(second, "disqualify"), {"disqualify-reason": "Поздно"})
    second.refresh_from_db()
    assert second.status == Entry.Status.WITHDRAWN and len(mail.outbox) == sent + 2


def test_process_again(client, manager, submit, django_capture_on_commit_callbacks):
    entry = submit()
    runs = entry.processing_attempts
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(entry, "reprocess"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY and entry.processing_attempts == 1 == runs
    messages = [line["message"] for line in entry.processing_log]
    assert any("manager" in message for message in messages)
    assert len(messages) > 4  # the first run's lines, the request and the second run's


@pytest.mark.parametrize(
    "reason, error", [("", "required"), ("   ", "required"), ("я" * 10_000, "max_length")]
)
def test_a_reason_is_required_and_limited(client, manager, submit, reason, error):
    entry = submit()
    client.force_login(manager)
    response = client.post(action_url(entry, "disqualify"), {"disqualify-reason": reason})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["reason"]] == [error]
    assert 'aria-invalid="true"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY


def test_actions_refused_to_viewers_and_never_on_get(client, manager, viewer, submit):
    entry = submit()
    before = (entry.status, entry.processing_log)
    sent = len(mail.outbox)
    client.force_login(viewer)
    for action in ("reprocess", "disqualify", "withdraw"):
        response = client.post(action_url(entry, action), {f"{action}-reason": "Нарушение"})
        assert response.status_code == 302 and response["Location"] == "/admin/"
    page = client.get(inspect_url(entry)).content.decode()
    assert action_url(entry, "disqualify") not in page
    client.force_login(manager)
    assert client.get(action_url(entry, "reprocess")).status_code == 405
    for action in ("disqualify", "withdraw"):
        assert client.get(action_url(entry, action), {f"{action}-reason": "x"}).status_code == 200
    entry.refresh_from_db()
    assert (entry.status, entry.processing_log) == before and len(mail.outbox) == sent


# --- The listing -------------------------------------------------------------------------------


def entry_pks(response):
    return sorted(entry.pk for entry in response.context["object_list"])


def test_flags_filter(client, manager, submit, contest):
    text = sample.words("одна на двоих")
    first = submit(files=[("a.pdf", sample.pdf(text), "pdf")])
    copy = submit(title="Копия", files=[("b.pdf", sample.pdf(text), "pdf")])
    submit(title="Своя работа")
    assert {flag.kind for flag in copy.flags.all()} == {
        EntryFlag.Kind.EXACT_DUPLICATE,
        EntryFlag.Kind.NEAR_DUPLICATE,
    }
    client.force_login(manager)
    for value in ("any", "exact_duplicate", "near_duplicate"):
        response = client.get(LIST_URL, {"flags": value})
        assert entry_pks(response) == [copy.pk]  # two flags, one row
    listing = client.get(LIST_URL).content.decode()
    assert "⚑" in listing
    assert entry_pks(client.get(LIST_URL)) == sorted(Entry.objects.values_list("pk", flat=True))
    assert first.pk in entry_pks(client.get(LIST_URL, {"contest": contest.pk}))
    assert (
        f"/admin/contests/archives/{contest.pk}/"
        in client.get(LIST_URL, {"contest": contest.pk}).content.decode()
    )
    for hostile in (HOSTILE, "' OR 1=1 --", "any\x00", "9" * 40, "exact_duplicate" * 500):
        for name in ("flags", "contest", "nomination", "status", "municipality"):
            response = client.get(LIST_URL, {name: hostile})
            assert response.status_code == 200
            assert HOSTILE not in response.content.decode()


def test_listing_queries_stay_bounded(client, manager, contest, assert_queries_bounded):
    def add_entries(count):
        for n in range(count):
            entry = submission.submit(
                contest,
                entry_data(contest, title=f"Работа {n}"),
                uploads(("работа.pdf", sample.pdf(), "pdf")),
            )
            EntryFlag.objects.create(
                entry=entry, kind=EntryFlag.Kind.NEAR_DUPLICATE, other_entry=entry, similarity=0.9
            )

    client.force_login(manager)
    add_entries(3)
    assert_queries_bounded([LIST_URL, LIST_URL + "?flags=any"], lambda: add_entries(12), cap=40)


# --- The ZIP of all entries --------------------------------------------------------------------


def test_zip_of_all_entries(
    client, manager, outsider, submit, contest, django_capture_on_commit_callbacks
):
    submit(
        title="Клуб чтения",
        files=[
            ("работа.pdf", sample.pdf(sample.words(1)), "pdf"),
            ("Работа.pdf", sample.pdf(sample.words(2)), "pdf"),
        ],
    )
    submit(title="=cmd|' /C calc'!A0")
    submit(title="../../etc/passwd")
    withdrawn = submit(title="Отозванная работа")
    Entry.objects.filter(pk=withdrawn.pk).update(status=Entry.Status.WITHDRAWN)

    client.force_login(manager)
    assert client.get(f"/admin/contests/archives/{contest.pk}/request/").status_code == 405
    assert client.get("/admin/contests/archives/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/contests/archives/{contest.pk}/request/")
    assert response.status_code == 302
    ready = EntriesArchive.objects.get()
    assert ready.status == EntriesArchive.Status.READY and ready.entry_count == 3
    assert ready.requested_by == manager and ready.finished_at is not None
    page = client.get(response["Location"]).content.decode()
    url = f"/admin/contests/archives/download/{ready.pk}/"
    assert url in page

    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="KNIGINYa-2009-entries.zip"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert len(data) == ready.size
    with zipfile.ZipFile(io.BytesIO(data)) as zip_file:
        names = zip_file.namelist()
        csv_bytes = zip_file.read("entries.csv")
    assert sorted(names) == [
        "entries.csv",
        "КНИГИНЯ-2009-001 – Клуб чтения/Работа (2).pdf",
        "КНИГИНЯ-2009-001 – Клуб чтения/работа.pdf",
        "КНИГИНЯ-2009-002 – =cmd_' _C calc'!A0/работа.pdf",
        "КНИГИНЯ-2009-003 – .._.._etc_passwd/работа.pdf",
    ]
    assert csv_bytes.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4 and len(rows[0]) == 9
    assert rows[2][:2] == ["КНИГИНЯ-2009/002", "'=cmd|' /C calc'!A0"]
    assert rows[1][7] == "работа.pdf\nРабота.pdf"
    assert "Отозванная" not in csv_bytes.decode("utf-8-sig")

    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/admin/contests/archives/{contest.pk}/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/contests/archives/{contest.pk}/request/")
    assert EntriesArchive.objects.count() == 1


def test_building_twice_changes_nothing(
    submit, contest, viewer, django_capture_on_commit_callbacks
):
    submit()
    with django_capture_on_commit_callbacks(execute=True):
        prepared = archive.request(contest, viewer)
    prepared.refresh_from_db()
    assert prepared.status == EntriesArchive.Status.READY
    before = (prepared.file.name, prepared.size, prepared.finished_at)
    archive.build(prepared.pk)
    prepared.refresh_from_db()
    assert (prepared.file.name, prepared.size, prepared.finished_at) == before
    stored = list((prepared.file.storage.base_location / "archives").iterdir())
    assert [path.name for path in stored] == [prepared.file.name.rsplit("/", 1)[-1]]
    archive.build(999_999)  # gone: nothing to do


def test_pending_archives_are_shared_resent_and_given_up(contest, viewer):
    first = archive.request(contest, viewer)  # no commit here: its task is never sent
    assert archive.request(contest, viewer) == first
    now = timezone.now()
    assert archive.stuck(now) == []
    assert archive.stuck(now + datetime.timedelta(minutes=16)) == [first.pk]
    EntriesArchive.objects.filter(pk=first.pk).update(
        requested_at=now - datetime.timedelta(minutes=20)
    )
    assert archive.stuck(now) == [first.pk]
    assert archive.request(contest, viewer) != first  # too old to wait for
    EntriesArchive.objects.filter(pk=first.pk).update(requested_at=now - datetime.timedelta(days=1))
    archive.build(first.pk)
    first.refresh_from_db()
    assert first.status == EntriesArchive.Status.FAILED and first.error
    assert first.pk not in archive.stuck(now)
