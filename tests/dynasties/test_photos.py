"""Processing an application's photos: a clean copy and a thumbnail without metadata, refusals
with the family's message (a decompression bomb, a «photo» that is no picture), runs that may
repeat, storage that fails for a moment, the sweeper, and a real worker."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from PIL import Image

from dynasties import photos, tasks
from dynasties.models import ApplicationPhoto
from kuzbib_site.base import images
from tests.base.test_images import GPS_IFD, jpeg_with_gps
from tests.factories import files
from tests.factories.dynasties import ApplicationFactory, FestivalPageFactory
from tests.site_language import in_site_language

Status = ApplicationPhoto.Status


def in_russian(function, *args):
    with translation.override("ru"):
        return function(*args)


@pytest.fixture
def application(home_page):
    return ApplicationFactory(festival=FestivalPageFactory(parent=home_page))


def photo_of(application, name, data, kind="jpeg"):
    return ApplicationPhoto.objects.create(
        application=application,
        file=ContentFile(data, name=name),
        original_name=name,
        kind=kind,
        size=len(data),
        caption="Бабушка в читальном зале",
    )


def stored_files(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_a_photo_becomes_an_upright_copy_and_a_thumbnail_without_its_location(
    application, private_media
):
    photo = photo_of(application, "бабушка.jpg", jpeg_with_gps(size=(3000, 2000)))

    photos.run(photo.pk)

    photo.refresh_from_db()
    assert (photo.status, photo.problem, photo.attempts) == (Status.READY, "", 1)
    assert (photo.kind, photo.width, photo.height) == ("jpeg", 1333, 2000)
    assert photo.processed_at is not None
    with photo.image.open("rb") as handle:
        data = handle.read()
    assert b"Exif" not in data and b"GPS" not in data and b"Ivanov" not in data
    with Image.open(io.BytesIO(data)) as clean:
        assert clean.size == (1333, 2000) and not clean.getexif()
    with Image.open(photo.thumbnail.open("rb")) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (267, 400)
    assert photo.image.path.startswith(str(private_media))
    assert photo.thumbnail.path.startswith(str(private_media))
    # The upload itself still has its EXIF: it is kept for the editors, never shown.
    with Image.open(photo.file.open("rb")) as upload:
        assert upload.getexif().get_ifd(GPS_IFD)


def test_a_second_run_of_a_processed_photo_changes_nothing(application, private_media):
    photo = photo_of(application, "a.png", files.image("png", size=(500, 300)), kind="png")
    photos.run(photo.pk)
    before = ApplicationPhoto.objects.values().get(pk=photo.pk)
    on_disk = stored_files(private_media)

    assert photos.run(photo.pk) is None
    tasks.process_photo.delay(photo_id=photo.pk)

    assert ApplicationPhoto.objects.values().get(pk=photo.pk) == before
    assert stored_files(private_media) == on_disk
    # The upload's kind, read from its content; an opaque PNG is kept as a JPEG.
    assert before["kind"] == "png" and before["image"].endswith(".jpg")


def test_the_bomb_is_refused_before_decoding_and_nothing_else_of_the_application_is_lost(
    application,
):
    family = application.family
    bomb = photo_of(application, "огромное.png", files.huge_png(20_000, 20_000), kind="png")
    good = photo_of(application, "дедушка.jpg", jpeg_with_gps())

    tasks.process_photo.delay(photo_id=bomb.pk)
    tasks.process_photo.delay(photo_id=good.pk)

    bomb.refresh_from_db()
    good.refresh_from_db()
    # The message the family reads, made in the site's language.
    with translation.override("ru"), pytest.raises(images.ImageRefused) as refused:
        images.open_checked(files.huge_png(20_000, 20_000), 50_000_000, "огромное.png")
    assert (bomb.status, bomb.problem) == (Status.REFUSED, refused.value.message)
    assert "огромное.png" in bomb.problem
    assert not bomb.image and not bomb.thumbnail and bomb.width is None
    assert good.status == Status.READY
    application.refresh_from_db()
    assert application.family == family
    assert application.photos.count() == 2


NOT_A_PICTURE = (
    "The file «%(name)s» is not a %(kinds)s document (its content was checked, not its name)."
)
DAMAGED = "The image «%(name)s» is damaged or cut short and cannot be read."


@pytest.mark.parametrize(
    ("name", "data", "msgid"),
    [
        ("photo.jpg", files.pdf(), NOT_A_PICTURE),
        ("photo.jpg", b"\xff\xd8\xff\xe0 not really a JPEG", DAMAGED),
        ("photo.jpg", b"", "The file «%(name)s» is empty."),
        ("cut.jpg", jpeg_with_gps()[:-300], DAMAGED),
    ],
    ids=["pdf", "fake-jpeg-header", "empty", "cut-short"],
)
def test_what_is_not_a_whole_photo_is_refused_with_a_message(application, name, data, msgid):
    photo = photo_of(application, name, data)

    photos.run(photo.pk)

    photo.refresh_from_db()
    assert photo.status == Status.REFUSED
    assert photo.problem == in_site_language(msgid, name=name, kinds="JPEG, PNG")


def test_a_photo_over_the_size_limit_is_refused(application, settings):
    settings.KUZBIB_DYNASTIES = {"PHOTO_MAX_BYTES": 1000}
    photo = photo_of(application, "big.jpg", jpeg_with_gps())

    photos.run(photo.pk)

    photo.refresh_from_db()
    assert photo.status == Status.REFUSED
    with translation.override("ru"):
        size, limit = filesizeformat(photo.size), filesizeformat(1000)
    assert photo.problem == in_site_language(
        "The file «%(name)s» is %(size)s; at most %(limit)s is accepted.",
        name="big.jpg",
        size=size,
        limit=limit,
    )


def test_storage_that_fails_leaves_the_photo_pending_and_no_file_behind(application, private_media):
    photo = photo_of(application, "a.jpg", jpeg_with_gps())
    # The thumbnails' folder cannot be made: a file stands where it should be.
    blocker = private_media / "dynasties" / "thumbnails"
    blocker.write_bytes(b"")
    uploaded = stored_files(private_media)

    with pytest.raises(OSError):
        photos.run(photo.pk)

    photo.refresh_from_db()
    assert (photo.status, photo.attempts) == (Status.PENDING, 1)
    assert not photo.image
    assert stored_files(private_media) == uploaded  # the clean copy written first was removed

    blocker.unlink()
    photos.run(photo.pk)
    photo.refresh_from_db()
    assert (photo.status, photo.attempts) == (Status.READY, 2)


def test_a_photo_whose_runs_keep_dying_is_refused(application, settings):
    photo = photo_of(application, "a.jpg", jpeg_with_gps())
    ApplicationPhoto.objects.filter(pk=photo.pk).update(attempts=3)

    assert photos.run(photo.pk) is None

    photo.refresh_from_db()
    assert photo.status == Status.REFUSED
    assert photo.problem == in_russian(photos.interrupted_problem)


def test_a_task_for_a_photo_that_is_gone_returns_quietly(application):
    photo = photo_of(application, "a.jpg", jpeg_with_gps())
    photo_id = photo.pk
    photo.delete()

    tasks.process_photo.delay(photo_id=photo_id)

    assert not ApplicationPhoto.objects.filter(pk=photo_id).exists()


def test_the_sweeper_sends_waiting_photos_again_and_refuses_exhausted_ones(application):
    now = timezone.now()
    waiting = photo_of(application, "waiting.jpg", jpeg_with_gps())
    exhausted = photo_of(application, "exhausted.jpg", jpeg_with_gps())
    photo_of(application, "fresh.jpg", jpeg_with_gps())
    long_ago = now - datetime.timedelta(hours=1)
    ApplicationPhoto.objects.filter(pk__in=[waiting.pk, exhausted.pk]).update(created_at=long_ago)
    ApplicationPhoto.objects.filter(pk=exhausted.pk).update(attempts=3)

    assert photos.stuck(now) == [waiting.pk, exhausted.pk]
    tasks.sweep_photos.delay()

    statuses = dict(ApplicationPhoto.objects.values_list("original_name", "status"))
    assert statuses == {
        "waiting.jpg": Status.READY,
        "exhausted.jpg": Status.REFUSED,
        "fresh.jpg": Status.PENDING,  # its own task is on its way
    }
    exhausted.refresh_from_db()
    assert exhausted.problem == in_russian(photos.interrupted_problem)


def test_the_sweep_is_on_beat_and_photos_go_to_the_files_queue(settings):
    from kuzbib_site.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE["kuzbib.dynasties.sweep_photos"]
    assert schedule["task"] == tasks.sweep_photos.name
    assert app.amqp.router.route({}, tasks.process_photo.name)["queue"].name == "files"
    assert tasks.process_photo.acks_late and tasks.process_photo.reject_on_worker_lost


# --- A real worker -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_a_real_worker_processes_a_photo_and_refuses_the_bomb(
    application, settings, redis_url, use_broker, start_worker, wait_until
):
    app = use_broker(redis_url)
    worker = start_worker(
        app, redis_url, env={"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT)}
    )
    good = photo_of(application, "семья.jpg", jpeg_with_gps(size=(2400, 1600)))
    bomb = photo_of(application, "huge.png", files.huge_png(20_000, 20_000), kind="png")

    for photo in (good, bomb):
        tasks.process_photo.delay(photo_id=photo.pk)  # autocommit: the rows are there

    def done():
        pending = ApplicationPhoto.objects.filter(pk__in=[good.pk, bomb.pk], status=Status.PENDING)
        return not pending.exists()

    wait_until(done, worker=worker, what="both photos processed")
    good.refresh_from_db()
    bomb.refresh_from_db()
    assert (good.status, good.width, good.height) == (Status.READY, 1333, 2000), worker.output()
    with Image.open(good.image.open("rb")) as clean:
        assert not clean.getexif()
    assert bomb.status == Status.REFUSED
    assert "huge.png" in bomb.problem and not bomb.image
    assert "kuzbib.dynasties.process_photo" in worker.output()
