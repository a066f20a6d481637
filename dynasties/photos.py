"""Processing an application's photos: each uploaded file is checked by its content (a JPEG or
PNG, within the size limit), refused before decoding when its header claims too many pixels,
and kept as a clean copy — turned upright, no larger than ``PHOTO_MAX_SIDE``, re-encoded
without EXIF (its GPS position included), XMP, IPTC or text chunks — and a thumbnail, both in
private storage. A photo that cannot be processed is «refused» with a message the family reads
on their status page; it never affects the application's other photos or data.

Safe to run any number of times, at once or one after another (the task and the sweeper may
both send a photo):

- ``claim`` takes a photo that is still pending and counts the attempt; a processed photo is
  left alone, and one whose runs keep dying is refused after ``PHOTO_MAX_ATTEMPTS``;
- the file is read and the copies made outside any transaction (the slow part);
- ``finish`` stores them under the photo's row lock, only if it is still pending: of two runs
  the first to finish wins and the second changes nothing.

Storage being away (an OSError opening or writing a file) reaches the task, which retries.
"""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuzbib_site.base import images
from kuzbib_site.base.uploads import check_upload

from .conf import setting
from .models import ApplicationPhoto

KINDS = ["jpeg", "png"]
Status = ApplicationPhoto.Status


def _in_site_language(function):
    """Problems are stored as text in the site's language, whichever request or worker wrote
    them (the family reads them on the status page, the editors in the admin)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def interrupted_problem():
    return _(
        "The photo could not be processed (processing was interrupted several times). Send a "
        "smaller copy of it."
    )


def slow_problem():
    return _("Processing the photo took longer than allowed. Send a smaller copy of it.")


def missing_problem():
    return _("The photo's file was not found. Send it again.")


@_in_site_language
def claim(photo_id, now=None):
    """Count an attempt at a pending photo and return it, or None when there is nothing to do
    (gone or processed); a photo with ``PHOTO_MAX_ATTEMPTS`` interrupted runs is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        photo = ApplicationPhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or photo.status != Status.PENDING:
            return None
        if photo.attempts >= setting("PHOTO_MAX_ATTEMPTS"):
            _refuse(photo, interrupted_problem(), now)
            return None
        photo.attempts += 1
        photo.save(update_fields=["attempts"])
    return photo


def clean_copies(handle, name, memory=None):
    """The photo in the open binary file ``handle`` (named ``name`` for messages) checked and
    copied: (kind, clean copy, thumbnail) — ``images.CleanImage`` — or raises ImageRefused or
    ValidationError with the family's message. ``memory``: the bytes decoding may take."""
    kind = check_upload(
        File(handle, name=name), allowed=KINDS, max_bytes=setting("PHOTO_MAX_BYTES")
    )
    handle.seek(0)
    budget = memory // 3 if memory else None
    copy = images.clean_copy(
        handle,
        max_pixels=setting("PHOTO_MAX_PIXELS"),
        max_side=setting("PHOTO_MAX_SIDE"),
        name=name,
        memory=budget,
    )
    # From the clean copy: a few megapixels at most, already upright.
    thumb = images.thumbnail(
        copy.data,
        side=setting("THUMBNAIL_SIDE"),
        max_pixels=setting("PHOTO_MAX_PIXELS"),
        name=name,
        memory=budget,
    )
    return kind, copy, thumb


@_in_site_language
def run(photo_id, memory=None, now=None):
    """Process one photo from start to end; returns it, or None when there was nothing to do
    (gone, already processed, or another run finished first). ``memory``: the bytes decoding
    may take (the task's address-space ceiling; None: no budget)."""
    photo = claim(photo_id, now)
    if photo is None:
        return None
    name = photo.original_name
    try:
        with photo.file.storage.open(photo.file.name, "rb") as handle:
            outcome = clean_copies(handle, name, memory)
    except FileNotFoundError:
        return refuse(photo_id, missing_problem(), now)
    except (ValidationError, images.ImageRefused) as error:
        problem = " ".join(error.messages) if isinstance(error, ValidationError) else error.message
        return refuse(photo_id, problem, now)
    except MemoryError:
        # Past the worker's address-space ceiling: the budget above is the rule, this the net.
        return refuse(photo_id, images.too_much_memory(name).message, now)
    return finish(photo_id, *outcome, now=now)


def finish(photo_id, kind, copy, thumb, now=None):
    """Store the clean copy and the thumbnail and mark the photo ready, under its row lock;
    nothing if it is no longer pending. A storage failure (OSError) leaves the photo pending
    and no file behind."""
    now = now or timezone.now()
    with transaction.atomic():
        photo = ApplicationPhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or photo.status != Status.PENDING:
            return None
        saved = []
        try:
            for field, picture in (("image", copy), ("thumbnail", thumb)):
                stored = getattr(photo, field)
                stored.save(
                    f"photo-{photo.pk}.{picture.extension}", ContentFile(picture.data), save=False
                )
                saved.append(stored.name)
        except OSError:
            for stored_name in saved:
                photo.image.storage.delete(stored_name)
            raise
        photo.kind = kind
        photo.width, photo.height = copy.width, copy.height
        photo.status = Status.READY
        photo.problem = ""
        photo.processed_at = now
        photo.save(
            update_fields=[
                "image",
                "thumbnail",
                "kind",
                "width",
                "height",
                "status",
                "problem",
                "processed_at",
            ]
        )
    return photo


@_in_site_language
def refuse(photo_id, problem, now=None):
    """Refuse a pending photo with ``problem`` (the family's message); returns it, or None
    when it is gone or no longer pending."""
    now = now or timezone.now()
    with transaction.atomic():
        photo = ApplicationPhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or photo.status != Status.PENDING:
            return None
        _refuse(photo, problem, now)
    return photo


def _refuse(photo, problem, now):
    photo.status = Status.REFUSED
    photo.problem = problem
    photo.processed_at = now
    photo.save(update_fields=["status", "problem", "processed_at"])


def stuck(now=None):
    """Ids of photos the sweeper sends again: pending for longer than ``SWEEP_AFTER_SECONDS``
    (the broker was down, or a worker died with it)."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    pending = ApplicationPhoto.objects.filter(status=Status.PENDING, created_at__lt=waited)
    return list(pending.order_by("pk").values_list("pk", flat=True)[:1000])


@_in_site_language
def give_up_exhausted(now=None):
    """Refuse the pending photos whose ``PHOTO_MAX_ATTEMPTS`` runs all died, once the last of
    them has had its time (``SWEEP_AFTER_SECONDS`` and the hard time limit since the photo was
    sent); returns how many."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(
        seconds=setting("SWEEP_AFTER_SECONDS") + setting("PHOTO_TIME_LIMIT")
    )
    return ApplicationPhoto.objects.filter(
        status=Status.PENDING,
        attempts__gte=setting("PHOTO_MAX_ATTEMPTS"),
        created_at__lt=waited,
    ).update(status=Status.REFUSED, problem=interrupted_problem(), processed_at=now)
