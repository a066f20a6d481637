"""Entering a contest: the form, eligibility, file checks, sequential numbers, the private page
and withdrawal. Celery runs eagerly here, so each accepted entry is also processed at once; the
pipeline itself is tested in test_processing.py."""

import datetime
import io
import threading
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from contests import submission
from contests.models import Entry, Stage
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import contests as contest_factories
from tests.factories import files as sample
from tests.factories.contests import entry_data, years_before

pytestmark = pytest.mark.django_db

PDF = sample.pdf()


def bomb_docx(extra=b""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" + extra.decode())
    return buffer.getvalue()


def form_data(contest, **overrides):
    municipality = MunicipalityFactory(name="Кемерово")
    data = {
        "nomination": contest.nominations.first().pk,
        "title": "Клуб чтения для подростков",
        "description": "Опыт работы клуба.",
        "last_name": "Петрова",
        "first_name": "Анна",
        "birth_date": (timezone.localdate() - datetime.timedelta(days=365 * 25)).isoformat(),
        "email": "petrova@example.ru",
        "library": LibraryFactory(municipality=municipality).pk,
        "municipality": municipality.pk,
        "consent": "on",
    }
    data.update(overrides)
    return data


def post(client, contest, files=None, **overrides):
    data = form_data(contest, **overrides)
    data["files"] = files if files is not None else [SimpleUploadedFile("работа.pdf", PDF)]
    return client.post(contest.url + "submit/", data)


def test_entry_is_numbered_stored_privately_and_receipted(
    client, contest, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            contest,
            files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.docx", sample.docx())],
        )
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/entry/{entry.token}/?new=1")
    assert entry.code == "КНИГИНЯ-2026/001" and entry.status == Entry.Status.READY
    assert [f.kind for f in entry.files.all()] == ["pdf", "docx"]
    assert all(f.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) for f in entry.files.all())
    receipt, ready = mail.outbox
    assert "КНИГИНЯ-2026/001" in receipt.subject and entry.token in receipt.body
    assert "готова к оценке" in ready.subject and entry.token in ready.body
    page = client.get(response["Location"]).content.decode()
    assert "КНИГИНЯ-2026/001" in page and "Готова к оценке" in page


def test_numbers_are_sequential(client, contest):
    for _ in range(3):
        post(client, contest)
    assert [e.code for e in Entry.objects.order_by("number")] == [
        "КНИГИНЯ-2026/001",
        "КНИГИНЯ-2026/002",
        "КНИГИНЯ-2026/003",
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_sequential_numbers(contest):
    data = {
        "nomination": contest.nominations.first(),
        "title": "Работа",
        "description": "",
        "last_name": "Иванова",
        "first_name": "Мария",
        "patronymic": "",
        "birth_date": datetime.date(2000, 1, 1),
        "email": "a@example.ru",
        "phone": "",
        "library": None,
        "new_library_name": "Сельская библиотека",
        "municipality": MunicipalityFactory(),
        "position": "",
    }
    count = 20 if connection.vendor == "postgresql" else 8
    errors = []

    def one():
        try:
            submission.submit(contest, dict(data), [])
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Entry.objects.values_list("number", flat=True)) == list(range(1, count + 1))


@pytest.mark.parametrize(
    "files, message",
    [
        ([SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 300)], "проверено содержимое"),
        ([SimpleUploadedFile("empty.pdf", b"")], "пуст"),
        ([SimpleUploadedFile("bomb.docx", bomb_docx(b"0" * 3_000_000))], "распаковывается"),
        ([SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))], "больше 1 МБ"),
        ([SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(3)], "Можно приложить не более 2"),
        ([SimpleUploadedFile("trunc.docx", b"PK\x03\x04" + b"\x00" * 50)], "повреждён"),
        ([SimpleUploadedFile("cut.pdf", sample.truncated_pdf())], "обрезан"),
        ([SimpleUploadedFile("locked.pdf", sample.encrypted_pdf())], "защищён паролем"),
    ],
)
def test_bad_files_are_refused_and_nothing_saved(client, contest, files, message):
    response = post(client, contest, files=files)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Entry.objects.exists()
    assert "Клуб чтения для подростков" in response.content.decode()


def test_path_tricks_in_names_are_neutralised(client, contest):
    post(client, contest, files=[SimpleUploadedFile("../../\u202e" + "x" * 300 + "\x00.pdf", PDF)])
    stored = Entry.objects.get().files.get()
    assert ".." not in stored.file.name and "\u202e" not in stored.original_name
    assert len(stored.original_name) <= 100 and stored.original_name.endswith(".pdf")


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"birth_date": "1960-01-01"}, "birth_date", "не старше 35"),
        ({"email": "not-an-email"}, "email", "правильный адрес электронной почты"),
        ({"title": "x" * 10_000}, "title", "не более 300 символов"),
        ({"consent": ""}, "consent", "согласия"),
        ({"nomination": "999999"}, "nomination", "Выберите корректный вариант"),
        ({"birth_date": "31.02.2000"}, "birth_date", "31.02.2000"),
        ({"last_name": "Пет\x00рова"}, "last_name", "ноль-байт"),
    ],
)
def test_bad_input_is_refused(client, contest, overrides, field, message):
    response = post(client, contest, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert message in response.content.decode()  # and the participant reads why
    assert not Entry.objects.exists()


def test_ineligible_municipality(client, contest):
    contest.municipalities.set([MunicipalityFactory(name="Белово")])
    contest.save()
    response = post(client, contest)
    assert "не участвуют" in response.content.decode()
    assert not Entry.objects.exists()


def test_after_the_deadline_nothing_is_taken(client, contest):
    Stage.objects.filter(contest=contest).update(end=timezone.now() - datetime.timedelta(hours=1))
    response = post(client, contest)
    assert "не принимаются" in response.content.decode()
    assert not Entry.objects.exists()


def test_html_is_escaped_on_the_private_page_and_in_mail(
    client, contest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, contest, title="<script>alert(1)</script>", first_name="<b>Анна</b>")
    entry = Entry.objects.get()
    page = client.get(contest.url + f"entry/{entry.token}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<b>Анна</b>" not in mail.outbox[0].alternatives[0][0]


def test_withdraw_before_the_deadline_only(client, contest):
    post(client, contest)
    entry = Entry.objects.get()
    Stage.objects.filter(contest=contest).update(end=timezone.now() - datetime.timedelta(hours=1))
    client.post(contest.url + f"entry/{entry.token}/withdraw/")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RECEIVED
    Stage.objects.filter(contest=contest).update(end=timezone.now() + datetime.timedelta(days=1))
    client.post(contest.url + f"entry/{entry.token}/withdraw/")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN


def test_forged_token_is_a_russian_404(client, contest):
    for token in ("forged", "x" * 3000):
        response = client.get(contest.url + f"entry/{token}/")
        assert response.status_code == 404
        assert "Работа не найдена" in response.content.decode()


def test_form_queries_do_not_grow(client, contest, django_assert_max_num_queries):
    for _ in range(20):
        LibraryFactory()
    with django_assert_max_num_queries(16):
        assert client.get(contest.url + "submit/").status_code == 200


def test_the_entry_factory_works_on_29_february(contest, monkeypatch):
    """A birth date 25 years before 29 February is 28 February, not a ValueError that would
    fail every test making an entry on that day."""
    monkeypatch.setattr(contest_factories, "today", lambda: datetime.date(2028, 2, 29))
    data = entry_data(contest)
    assert data["birth_date"] == datetime.date(2003, 2, 28)
    assert years_before(datetime.date(2028, 2, 29), 4) == datetime.date(2024, 2, 29)
    assert submission.submit(contest, data, []).birth_date == datetime.date(2003, 2, 28)
