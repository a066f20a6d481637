"""«Страницы выпуска» in the admin (periodicals/ingest_admin.py): the upload form checks each
file by content and refuses bad ones whole with a message naming them, leaving nothing behind;
a good upload is split and processed (eagerly here); the progress counts pages; «Run again»;
only users who may edit the issue get in; the view's queries do not grow with its pages."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from periodicals.models import IssueUpload, Scan
from tests.factories.periodicals import ScanFactory
from tests.periodicals import scans as sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(home_page):
    return sample.make_issue(home_page)


@pytest.fixture
def url(issue):
    return reverse("periodicals_issue_pages", args=[issue.pk])


def small_page(lines=sample.NEWSPAPER[:2]):
    return sample.page(lines, size=(1200, 400), font_size=40, margin=50)[0]


def uploads_on_disk(private_media):
    folder = private_media / "periodicals" / "uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def post(client, url, *files):
    return client.post(
        url, {"files": [SimpleUploadedFile(name, data) for name, data in files]}, follow=False
    )


def test_an_uploaded_pdf_becomes_pages_with_visible_progress(
    admin_client, issue, url, django_capture_on_commit_callbacks
):
    data = sample.pdf([small_page(), small_page(sample.NEWSPAPER[2:4])])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(admin_client, url, ("выпуск 1957.pdf", data))
    assert response.status_code == 302
    assert response["Location"].endswith("?watch=1")
    upload = IssueUpload.objects.get(issue=issue)
    assert upload.status == IssueUpload.Status.DONE and upload.pages == 2
    assert upload.original_name == "выпуск 1957.pdf"
    assert [scan.status for scan in issue.scans.order_by("number")] == [Scan.Status.DONE] * 2
    page = admin_client.get(url).content.decode()
    assert sample.russian("processed %(done)s of %(total)s", done=2, total=2) in page
    assert "выпуск 1957.pdf" in page
    scan = issue.scans.first()
    assert reverse("periodicals_scan_thumbnail", args=[scan.pk]) in page
    thumbnail = admin_client.get(reverse("periodicals_scan_thumbnail", args=[scan.pk]))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    # Finished: the page no longer reloads by itself, even when asked to.
    assert 'http-equiv="refresh"' not in admin_client.get(url + "?watch=1").content.decode()


def test_pages_at_work_reload_by_themselves_only_when_the_editor_asks(admin_client, issue, url):
    ScanFactory(issue=issue, number=1, status=Scan.Status.PENDING, image="masters/x.png")
    assert 'http-equiv="refresh"' not in admin_client.get(url).content.decode()
    page = admin_client.get(url + "?watch=1").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert sample.russian("processed %(done)s of %(total)s", done=0, total=1) in page


def test_several_images_become_pages_in_the_natural_order_of_their_names(
    admin_client, issue, url, django_capture_on_commit_callbacks
):
    png = sample.encoded(small_page(), "png")
    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, url, ("стр-10.png", png), ("стр-2.png", png), ("стр-1.png", png))
    names = [scan.upload.original_name for scan in issue.scans.order_by("number")]
    assert names == ["стр-1.png", "стр-2.png", "стр-10.png"]


@pytest.mark.parametrize(
    ("name", "build", "msgid", "values"),
    [
        ("пусто.pdf", lambda: b"", "The file «%(name)s» is empty.", {}),
        (
            "письмо.pdf",
            lambda: "Не PDF, а текст письма.".encode(),
            "The file «%(name)s» is not a PDF, a JPEG, PNG or TIFF image or a ZIP of images "
            "(its content was checked, not its name).",
            {},
        ),
        (
            "бомба.png",
            sample.huge_png,
            "The image «%(name)s» has too many pixels to process.",
            {},
        ),
        (
            "бомба.tif",
            sample.huge_tiff,
            "The image «%(name)s» has too many pixels to process.",
            {},
        ),
        (
            "толстый.pdf",
            sample.many_page_pdf,
            "The file «%(name)s» has %(count)s pages; at most %(limit)s are accepted in one "
            "upload.",
            {"count": 5000, "limit": 400},
        ),
    ],
)
def test_bad_files_are_refused_whole_with_a_message_and_nothing_left(
    admin_client, issue, url, private_media, name, build, msgid, values
):
    response = post(admin_client, url, (name, build()), ("хорошая.png", b"\x89PNG"))
    assert response.status_code == 200
    errors = [str(error) for error in response.context["form"].errors["files"]]
    assert sample.russian(msgid, name=name, **values) in errors
    assert not IssueUpload.objects.exists() and not Scan.objects.exists()
    assert not uploads_on_disk(private_media)
    assert name in response.content.decode()


@pytest.mark.parametrize(
    ("members", "symlinks", "bad"),
    [
        ({"../../etc/cron.d/page.png": b"x", "1.png": b"x"}, {}, "../../etc/cron.d/page.png"),
        ({"/etc/passwd.png": b"x"}, {}, "passwd.png"),
        ({"1.png": b"x"}, {"2.png": "/etc/passwd"}, "2.png"),
    ],
)
def test_archives_with_path_tricks_are_refused_whole(
    admin_client, issue, url, private_media, members, symlinks, bad
):
    good = sample.encoded(small_page(), "png")
    members = dict.fromkeys(members, good)
    response = post(admin_client, url, ("выпуск.zip", sample.zip_of(members, symlinks)))
    assert response.status_code == 200
    [error] = response.context["form"].errors["files"]
    assert "«выпуск.zip»" in error and bad.rsplit("/", 1)[-1] in error
    assert not IssueUpload.objects.exists() and not uploads_on_disk(private_media)


def test_a_corrupt_single_jpeg_is_refused_by_the_worker_with_nothing_left(
    admin_client, issue, url, private_media, django_capture_on_commit_callbacks
):
    # Its header is sound (the form passes it); decoding finds it cut short.
    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, url, ("страница.jpg", sample.corrupt_jpeg(small_page())))
    upload = IssueUpload.objects.get()
    assert upload.status == IssueUpload.Status.FAILED
    assert upload.error == sample.russian(
        "The image «%(name)s» is damaged or cut short and cannot be read.", name="страница.jpg"
    )
    assert not upload.file and not uploads_on_disk(private_media)
    assert not Scan.objects.exists()
    assert upload.error in admin_client.get(url).content.decode()


def test_run_again_sends_a_page_through_again(
    admin_client, issue, url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, url, ("1.png", sample.encoded(small_page(), "png")))
    scan = issue.scans.get()
    Scan.objects.filter(pk=scan.pk).update(status=Scan.Status.FAILED, error="сбой")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("periodicals_scan_rerun", args=[scan.pk]))
    assert response.status_code == 302
    scan.refresh_from_db()
    assert scan.status == Scan.Status.DONE and scan.error == ""
    assert admin_client.get(reverse("periodicals_scan_rerun", args=[scan.pk])).status_code == 405


def test_only_users_who_may_edit_the_issue_get_in(client, django_user_model, issue, url):
    user = django_user_model.objects.create_user("reader", password="pw")  # noqa: S106
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    scan = ScanFactory(issue=issue, number=1, status=Scan.Status.FAILED, image="masters/x.png")
    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    for response in (
        client.get(url),
        client.post(url, {}),
        client.post(reverse("periodicals_scan_rerun", args=[scan.pk])),
        client.get(reverse("periodicals_scan_thumbnail", args=[scan.pk])),
    ):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    scan.refresh_from_db()
    assert scan.status == Scan.Status.FAILED


def test_the_issue_has_a_pages_button_in_its_header_and_listing(admin_client, issue, url):
    assert (
        url
        in admin_client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])).content.decode()
    )
    listing = reverse("wagtailadmin_explore", args=[issue.get_parent().pk])
    assert url in admin_client.get(listing).content.decode()


def test_the_progress_view_runs_a_bounded_number_of_queries(
    admin_client, issue, url, assert_queries_bounded
):
    def add(count):
        start = Scan.objects.filter(issue=issue).count()
        for number in range(start + 1, start + count + 1):
            ScanFactory(issue=issue, number=number, status=Scan.Status.FAILED, error="сбой")
        for _ in range(count):
            sample.upload(issue, "1.png", b"x")

    add(3)
    assert_queries_bounded(url, lambda: add(9), cap=40, client=admin_client)


def test_a_long_file_name_is_kept_for_the_editor_and_cut_for_storage(admin_client, issue, url):
    name = "Кузнецкий рабочий, " + "очень длинное название выпуска " * 6 + ".png"
    response = post(admin_client, url, (name, sample.encoded(small_page(), "png")))
    assert response.status_code == 302
    upload = IssueUpload.objects.get()
    assert upload.original_name.startswith("Кузнецкий рабочий") and len(upload.original_name) > 150
    assert len(upload.file.name) <= 100 and upload.file.name.endswith(".png")


def test_without_tesseract_the_admin_and_the_checks_say_so(admin_client, issue, url, settings):
    from django.core import checks

    from periodicals import ocr

    assert not [m for m in checks.run_checks() if m.id == "periodicals.W001"]
    settings.KUZBIB_PERIODICALS = {"TESSERACT": "/nonexistent/tesseract"}
    assert not ocr.available()
    [warning] = [m for m in checks.run_checks() if m.id == "periodicals.W001"]
    assert "tesseract-ocr-rus" in warning.hint
    page = admin_client.get(url).content.decode()
    assert sample.russian("Upload files") in page
    assert "tesseract-ocr-rus" in page


def test_the_sweeper_runs_every_two_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["kuzbib.periodicals.sweep_ingest"]
    assert entry == {"task": "kuzbib.periodicals.sweep_ingest", "schedule": 120.0}
    assert settings.CELERY_TASK_ROUTES["kuzbib.periodicals.split_upload"] == {"queue": "files"}
