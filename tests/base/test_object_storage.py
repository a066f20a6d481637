"""Files in S3-compatible object storage (kuzbib_site/base/object_storage.py), against a real S3
server over HTTP: moto's server on a free port. A Celery worker whose own MEDIA_ROOT and
PRIVATE_MEDIA_ROOT are empty folders processes an entry uploaded through the storage, and its
preview and copy for the jury end up in the bucket; a ZIP of the entries is built, a dynasty's
photo cleaned and a heroes spreadsheet imported from the bucket; the permission-checked views
stream private files from the bucket to an editor or manager only; public media and their
renditions live in the bucket at plain URLs; the storage's failures are the ``OSError`` the
tasks retry; the settings come from the environment and production refuses a bucket without
keys."""

import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import redis
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer

from contests import submission
from contests.models import Entry
from kuzbib_site.base.storage import PrivateStorage
from kuzbib_site.settings.base import object_storages
from tests.factories import files as sample
from tests.factories.contests import contest_staff, entry_data, uploads
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"KUZBIB_S3_ACCESS_KEY_ID": "kuzbib-test", "KUZBIB_S3_SECRET_ACCESS_KEY": "kuzbib-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread of this process, reached over HTTP by this process and by
    the worker processes the tests start."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Buckets:
    """A test's two buckets (public media, private files), the environment that points the site
    at them, and a client to look inside."""

    def __init__(self, endpoint):
        suffix = uuid.uuid4().hex[:10]
        self.media, self.private = f"kuzbib-media-{suffix}", f"kuzbib-private-{suffix}"
        self.env = {
            "KUZBIB_S3_BUCKET": self.media,
            "KUZBIB_S3_PRIVATE_BUCKET": self.private,
            "KUZBIB_S3_ENDPOINT_URL": endpoint,
            "KUZBIB_S3_REGION": "us-east-1",
            "KUZBIB_S3_ADDRESSING_STYLE": "path",
            **KEYS,
        }
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["KUZBIB_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["KUZBIB_S3_SECRET_ACCESS_KEY"],
        )
        for bucket in (self.media, self.private):
            self.client.create_bucket(Bucket=bucket)

    def keys(self, bucket):
        listed = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, bucket, key):
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def public_grants(self, bucket, key):
        """Grants of the object to anyone beyond its owner (all users, authenticated users)."""
        grants = self.client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        return [grant for grant in grants if grant["Grantee"]["Type"] == "Group"]


def files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()]


@pytest.fixture
def buckets(s3_endpoint, settings, tmp_path):
    """This process's files in the test's buckets, as the environment would put them; its
    MEDIA_ROOT and PRIVATE_MEDIA_ROOT empty folders that must stay empty."""
    buckets = Buckets(s3_endpoint)
    storages, _ = object_storages(buckets.env)
    settings.STORAGES = {**settings.STORAGES, **storages}
    settings.MEDIA_ROOT = tmp_path / "web-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "web-private"
    return buckets


# --- A worker that reaches the files only through the bucket ----------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_a_worker_with_only_the_bucket_processes_an_entry_into_the_bucket(
    contest, buckets, settings, redis_url, use_broker, start_worker, wait_until, tmp_path
):
    worker_media, worker_private = tmp_path / "worker-media", tmp_path / "worker-private"
    for folder in (worker_media, worker_private):
        folder.mkdir()
    app = use_broker(redis_url)
    redis.Redis.from_url(redis_url).flushdb()
    worker = start_worker(
        app,
        redis_url,
        env={
            **buckets.env,
            "MEDIA_ROOT": str(worker_media),
            "PRIVATE_MEDIA_ROOT": str(worker_private),
        },
    )
    text = sample.words("Клуб чтения")
    pdf = sample.pdf(text, pages=3)
    docx = sample.docx(["Первый абзац о краеведении.", sample.LOREM])
    entry = submission.submit(
        contest,
        entry_data(contest),
        uploads(("работа.pdf", pdf, "pdf"), ("описание.docx", docx, "docx")),
    )  # autocommit: the task goes to the worker at once
    wait_until(lambda: not Entry.objects.get(pk=entry.pk).is_pending, worker=worker)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY, (entry.processing_log, worker.output())
    pdf_file, docx_file = entry.files.order_by("pk")
    assert pdf_file.pages == 3 and " ".join(text.split()[:3]) in pdf_file.text
    assert "краеведении" in docx_file.text

    # The uploads and what the worker derived from them are in the private bucket, where the
    # web process reads them.
    keys = buckets.keys(buckets.private)
    files = (pdf_file, docx_file)
    stored = [f.file.name for f in files]
    stored += [f.blind_file.name for f in files if f.blind_file]
    stored += [f.preview.name for f in files if f.preview]
    assert pdf_file.preview.name.startswith("previews/") and pdf_file.blind_file
    assert keys == sorted(f"private/entries/{name}" for name in stored)
    preview_key = f"private/entries/{pdf_file.preview.name}"
    assert buckets.read(buckets.private, preview_key).startswith(b"\x89PNG")
    with pdf_file.blind_file.open("rb") as blind:
        assert blind.read(5) == b"%PDF-"
    assert all(buckets.public_grants(buckets.private, key) == [] for key in keys)
    assert buckets.keys(buckets.media) == []
    # Neither process wrote a file of its own.
    for folder in (worker_media, worker_private, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        assert files_under(folder) == []


# --- The permission-checked views stream from the bucket -------------------------------------


@pytest.fixture
def editor(django_user_model):
    return contest_staff("editor", "view_entry")


@pytest.mark.django_db
def test_the_views_stream_private_files_from_the_bucket_to_an_editor_only(
    client, contest, buckets, editor, django_user_model, django_capture_on_commit_callbacks
):
    pdf = sample.pdf(sample.words("Семейное чтение"))
    with django_capture_on_commit_callbacks(execute=True):  # the eager pipeline, as a worker
        entry = submission.submit(contest, entry_data(contest), uploads(("работа.pdf", pdf, "pdf")))
    stored = entry.files.get()
    assert stored.preview and f"private/entries/{stored.file.name}" in buckets.keys(buckets.private)
    file_url = f"/admin/contests/files/{stored.pk}/"
    preview_url = f"/admin/contests/previews/{stored.pk}/"

    for url in (file_url, preview_url):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert not getattr(response, "streaming", False)
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get(file_url).status_code in (302, 403, 404)

    client.force_login(editor)
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert "attachment" in response["Content-Disposition"]
    response = client.get(preview_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_a_zip_of_the_entries_is_built_from_the_bucket_into_it_and_streamed_to_a_manager(
    client, contest, buckets, django_user_model, django_capture_on_commit_callbacks
):
    from contests import archive
    from contests.models import EntriesArchive

    pdf = sample.pdf(sample.words("Архив"))
    with django_capture_on_commit_callbacks(execute=True):
        submission.submit(contest, entry_data(contest), uploads(("работа.pdf", pdf, "pdf")))
    manager = contest_staff("manager", "view_entry", "change_entry")
    requested = archive.request(contest, manager)
    archive.build(requested.pk)  # what the worker's task runs
    ready = EntriesArchive.objects.get(pk=requested.pk)
    assert ready.status == EntriesArchive.Status.READY, ready.error
    assert f"private/entries/{ready.file.name}" in buckets.keys(buckets.private)
    url = f"/admin/contests/archives/download/{ready.pk}/"

    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zipped:
        pdfs = [name for name in zipped.namelist() if name.endswith(".pdf")]
        assert len(pdfs) == 1 and zipped.read(pdfs[0]) == pdf


@pytest.mark.django_db
def test_a_private_file_has_no_public_address(buckets):
    storage = PrivateStorage("entries")
    name = storage.save("2026/11/работа.pdf", ContentFile(b"%PDF-1.7 private"))
    key = f"private/entries/{name}"
    assert buckets.public_grants(buckets.private, key) == []
    with pytest.raises(NotImplementedError):
        storage.path(name)  # nothing on a local disk: code reads through the storage
    # Only an address signed for a minute, should anything ask for one.
    query = parse_qs(urlsplit(storage.url(name)).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query


@pytest.mark.django_db
def test_a_dynasty_photo_is_cleaned_from_the_bucket_into_the_bucket(buckets, settings, home_page):
    from dynasties import photos
    from dynasties.models import ApplicationPhoto
    from tests.base.test_images import jpeg_with_gps
    from tests.factories.dynasties import ApplicationFactory, FestivalPageFactory

    application = ApplicationFactory(festival=FestivalPageFactory(parent=home_page))
    data = jpeg_with_gps(size=(1200, 800))
    photo = ApplicationPhoto.objects.create(
        application=application,
        file=ContentFile(data, name="бабушка.jpg"),
        original_name="бабушка.jpg",
        kind="jpeg",
        size=len(data),
    )
    photos.run(photo.pk)  # what the worker's task runs
    photo.refresh_from_db()
    assert photo.status == ApplicationPhoto.Status.READY, photo.problem
    keys = buckets.keys(buckets.private)
    assert keys == sorted(
        f"private/dynasties/{field.name}" for field in (photo.file, photo.image, photo.thumbnail)
    )
    clean = buckets.read(buckets.private, f"private/dynasties/{photo.image.name}")
    assert clean.startswith(b"\xff\xd8") and b"GPS" not in clean
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


@pytest.mark.django_db
def test_a_heroes_spreadsheet_is_checked_and_imported_from_the_bucket(buckets, settings, home_page):
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from heroes_archive import columns, importer
    from heroes_archive.models import HeroImport, HeroPage
    from tests.factories.heroes import HeroIndexPageFactory
    from tests.heroes_archive.test_import import hero_row

    archive = HeroIndexPageFactory(parent=home_page)
    workbook = openpyxl.Workbook()
    workbook.active.append(columns.HEADERS)
    for identifier in ("GST-00001", "GST-00002"):
        row = hero_row(identifier)
        workbook.active.append([row[header] for header in columns.HEADERS])
    data = io.BytesIO()
    workbook.save(data)

    heroimport = importer.upload(archive, SimpleUploadedFile("heroes.xlsx", data.getvalue()), None)
    assert buckets.keys(buckets.private) == [f"private/heroes_imports/{heroimport.source.name}"]
    importer.work(heroimport.pk)  # the dry run, as the worker runs it: openpyxl reads the bucket
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.CHECKED, heroimport.error
    assert importer.request_import(heroimport, None)
    importer.work(heroimport.pk)
    heroimport.refresh_from_db()
    assert heroimport.phase == HeroImport.Phase.DONE, heroimport.error
    assert HeroPage.objects.live().count() == 2
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


# --- Public media ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_images_and_their_renditions_live_in_the_bucket_at_plain_urls(
    buckets,
    settings,
    home_page,  # the site (and Wagtail's root collection) the image belongs to
):
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    data = sample.image("png", size=(400, 300))
    image = Image.objects.create(
        title="Библиотека", file=ImageFile(ContentFile(data), name="library.png")
    )
    assert (image.width, image.height) == (400, 300)
    rendition = image.get_rendition("width-100")
    keys = buckets.keys(buckets.media)
    assert f"media/{image.file.name}" in keys and f"media/{rendition.file.name}" in keys
    endpoint = buckets.env["KUZBIB_S3_ENDPOINT_URL"]
    assert rendition.url == f"{endpoint}/{buckets.media}/media/{rendition.file.name}"
    assert files_under(settings.MEDIA_ROOT) == []


# --- Failures are the local disk's errors ---------------------------------------------------


@pytest.mark.django_db
def test_names_are_never_overwritten_and_failures_are_os_errors(buckets, settings):
    storage = PrivateStorage("builds")
    first = storage.save("archives/all.zip", ContentFile(b"first"))
    second = storage.save("archives/all.zip", ContentFile(b"second"))
    assert first != second
    with storage.open(first) as handle:
        assert handle.read() == b"first"
    with pytest.raises(FileNotFoundError):
        storage.open("archives/gone.zip")

    # The storage away: what the tasks retry and the builds put back in the queue.
    options = settings.STORAGES["private"]["OPTIONS"]
    away = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {**options, "endpoint_url": away}},
    }
    with pytest.raises(OSError, match="unreachable"):
        storage.open(first)
    with pytest.raises(OSError, match="unreachable"):
        storage.save("archives/new.zip", ContentFile(b"new"))


# --- Settings from the environment ---------------------------------------------------------

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "default": settings.STORAGES["default"],
    "private": settings.STORAGES["private"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "kuzbib.example",
    "DATABASE_URL": "postgres://kuzbib@127.0.0.1:5432/kuzbib",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def clean_env(**env):
    """This process's environment without what the test run configured, plus ``env``."""
    drop = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **env}


def probe(**env):
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.services  # fresh interpreters
def test_production_takes_the_buckets_from_the_environment_and_refuses_them_without_keys():
    bucket = {"KUZBIB_S3_BUCKET": "kuzbib-media", "KUZBIB_S3_ENDPOINT_URL": "https://s3.example"}
    result = probe(**PRODUCTION, **bucket, **KEYS)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["default"]["BACKEND"].endswith("PublicObjectStorage")
    assert data["default"]["OPTIONS"]["location"] == "media"
    assert data["private"]["BACKEND"].endswith("PrivateObjectStorage")
    assert data["private"]["OPTIONS"]["bucket_name"] == "kuzbib-media"
    assert data["private"]["OPTIONS"]["location"] == "private"
    assert data["private"]["OPTIONS"]["default_acl"] == "private"
    assert data["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert {"https://s3.example", "https://kuzbib-media.s3.example"} <= set(data["img_src"])

    for missing in KEYS:
        keys = {name: value for name, value in KEYS.items() if name != missing}
        result = probe(**PRODUCTION, **bucket, **keys)
        assert result.returncode != 0 and missing in result.stderr

    result = probe(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert data["private"]["BACKEND"] == "kuzbib_site.base.storage.PrivateFileSystemStorage"
