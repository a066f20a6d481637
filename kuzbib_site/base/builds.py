"""Files built in the background — asking for one, running it, and sweeping up what a lost
message or a killed worker left behind — for every subclass of ``BackgroundBuild``
(``kuzbib_site/base/models/builds.py``).

- ``request(model, **fields)`` — a view asks: a new build row, its task sent once the row is
  committed (a broker outage leaves a «queued» row for the sweeper, never a lost request). While
  a build of the same owner is queued and fresh, asking again returns it.
- ``run(build_id, model, work)`` — the build's Celery task calls it: the row is claimed
  «queued» → «being built» by one conditional UPDATE (of two deliveries of the message, one runs,
  the other returns at once — across processes, no cache lock), ``work(build)`` makes the file,
  and the row becomes «ready» with it, or «failed» with a short error.
- ``sweep(now)`` — the beat task ``kuzbib.base.sweep_builds``: sends again builds whose message
  was lost, queues again builds whose worker died, fails builds asked for too long ago, and
  deletes builds (with their files) older than their model keeps them.

A concrete build's task::

    @shared_task(name="kuzbib.contests.build_entries_archive", acks_late=True, ...)
    def build_entries_archive(*, build_id):
        builds.run(build_id, EntriesArchive, archive.write, retry_on=(OSError,))

Settings: ``KUZBIB_BASE["BUILDS"]`` (``conf.DEFAULTS``, in seconds); a model may set its own
``stuck_after``, ``running_timeout``, ``give_up_after`` and ``keep_for`` (a ``timedelta``, or a
classmethod returning one, read at sweep time)."""

import datetime
import logging

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .conf import setting
from .models import BackgroundBuild
from .queue import enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)

Status = BackgroundBuild.Status

#: The longest error kept on a failed build: the first lines say what went wrong.
ERROR_MAX_CHARS = 2000
#: At most so many builds of a model are re-sent or deleted by one sweep.
SWEEP_BATCH = 100
GAVE_UP = _("The file could not be prepared in time; ask for a new one.")


def _policy(model, attribute, default_setting=None):
    value = getattr(model, attribute, None)
    if callable(value):
        value = value()
    if value is None and default_setting:
        value = datetime.timedelta(seconds=setting("BUILDS")[default_setting])
    return value


def build_models():
    """Every installed concrete model that is a ``BackgroundBuild``."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BackgroundBuild) and not model._meta.proxy
    ]


def task_of(model):
    """The Celery task that builds ``model``'s rows, found by the name the model gives."""
    if not model.build_task:
        raise ImproperlyConfigured(f"{model.__name__}.build_task names no Celery task")
    if model.build_task not in current_app.tasks:
        # A web process imports the apps' tasks modules only when something needs them; the
        # loader imports every autodiscovered one (and CELERY_IMPORTS), as a worker does at start.
        current_app.loader.import_default_modules()
    return current_app.tasks[model.build_task]


def short_error(error):
    """What a failed build records: the error's own words (cut), or its class's name."""
    return str(error)[:ERROR_MAX_CHARS] or error.__class__.__name__


def _in_site_language(message):
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


# --- Asking -----------------------------------------------------------------------------------


def _lock_owner(owner):
    """Lock the rows the build is of (a contest page…), so that two requests at the same moment
    queue up and the second finds the first's build. SQLite serialises writers anyway."""
    for value in owner.values():
        if isinstance(value, models.Model):
            type(value)._default_manager.select_for_update(of=("self",)).filter(pk=value.pk).only(
                "pk"
            ).first()


def request(model, **fields):
    """A new queued build of ``model`` with ``fields`` (its owner, ``requested_by``…), its task
    sent once the row is committed. A queued build of the same owner (``model.build_owner``)
    asked for less than ``stuck_after`` ago is returned instead: two clicks share one build."""
    owner = {name: fields[name] for name in model.build_owner if name in fields}
    stuck_after = _policy(model, "stuck_after", "STUCK_AFTER")
    with transaction.atomic():
        if owner:
            _lock_owner(owner)
            waiting = (
                model._default_manager.filter(
                    status=Status.REQUESTED,
                    requested_at__gte=timezone.now() - stuck_after,
                    **owner,
                )
                .order_by("-requested_at", "-pk")
                .first()
            )
            if waiting is not None:
                return waiting
        build = model._default_manager.create(**fields)
        enqueue_on_commit(task_of(model), build_id=build.pk)
    return build


# --- Running ----------------------------------------------------------------------------------


def _as_file(content, filename):
    if isinstance(content, bytes | bytearray):
        return ContentFile(bytes(content), name=filename)
    if isinstance(content, File):
        return content
    return File(content, name=filename)


def _delete_stored(build):
    """Delete the build's stored file, if any; returns False when the storage refused (the file
    stays, logged)."""
    if build.file:
        try:
            build.file.storage.delete(build.file.name)
        except OSError:
            logger.warning(
                "%s %s: a stray file %s stays", type(build).__name__, build.pk, build.file
            )
            return False
    return True


def fail(model, build_id, error, now=None):
    """Mark an unfinished build failed with ``error`` (already short, in the site's language).
    Returns whether it was unfinished."""
    return bool(
        model._default_manager.filter(pk=build_id, status__in=Status.unfinished()).update(
            status=Status.FAILED, error=error, finished_at=now or timezone.now()
        )
    )


def run(build_id, model, work, *, retry_on=()):
    """Build ``model``'s row ``build_id`` with ``work(build)``, which returns ``(filename,
    content)`` — bytes, or a file (an open spool, a ``File``; closed once saved) — to save in the
    build's ``file``, or None when it stored its result elsewhere (a Wagtail document). Values
    it sets on the build's ``result_fields`` are saved with the ready state.

    Nothing happens (None is returned) when the build is gone, already running elsewhere or
    finished. A build asked for longer than ``give_up_after`` ago fails at once. An exception
    in ``retry_on`` (storage or database away for a moment) puts the build back in the queue and
    propagates, for the task's own retry; any other is logged and recorded as the build's short
    error, and never reaches Celery. Returns the build, ready or failed."""
    manager = model._default_manager
    now = timezone.now()
    give_up_after = _policy(model, "give_up_after", "GIVE_UP_AFTER")
    too_old = manager.filter(
        pk=build_id, status=Status.REQUESTED, requested_at__lt=now - give_up_after
    )
    if too_old.update(status=Status.FAILED, error=_gave_up(model), finished_at=now):
        logger.warning("%s %s given up: asked for too long ago", model.__name__, build_id)
        return manager.filter(pk=build_id).first()
    claimed = manager.filter(pk=build_id, status=Status.REQUESTED).update(
        status=Status.RUNNING, started_at=now, finished_at=None, error=""
    )
    build = manager.filter(pk=build_id).first() if claimed else None
    if build is None:
        return None
    mine = manager.filter(pk=build_id, status=Status.RUNNING, started_at=now)
    try:
        result = work(build)
        if result is not None:
            filename, content = result
            try:
                build.file.save(filename, _as_file(content, filename), save=False)
            finally:
                if hasattr(content, "close"):
                    content.close()
    except retry_on:
        _delete_stored(build)
        mine.update(status=Status.REQUESTED, started_at=None)
        raise
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, build_id)
        _delete_stored(build)
        mine.update(status=Status.FAILED, error=short_error(error), finished_at=timezone.now())
        build.refresh_from_db()
        return build
    finished = timezone.now()
    values = {name: getattr(build, name) for name in model.result_fields}
    won = mine.update(
        status=Status.READY, file=build.file.name or "", error="", finished_at=finished, **values
    )
    if not won:
        # Swept back into the queue (or deleted) while it ran: the newer run's file counts.
        _delete_stored(build)
        return None
    build.status, build.error, build.finished_at = Status.READY, "", finished
    return build


def _gave_up(model):
    return _in_site_language(getattr(model, "gave_up_message", None) or GAVE_UP)


# --- Sweeping ---------------------------------------------------------------------------------


def stuck(model, now):
    """Ids of ``model``'s builds queued for longer than ``stuck_after``: their message was lost."""
    stuck_after = _policy(model, "stuck_after", "STUCK_AFTER")
    return list(
        model._default_manager.filter(status=Status.REQUESTED, requested_at__lt=now - stuck_after)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def give_up(model, now):
    """Fail ``model``'s builds asked for longer than ``give_up_after`` ago and still unfinished;
    returns how many."""
    give_up_after = _policy(model, "give_up_after", "GIVE_UP_AFTER")
    return model._default_manager.filter(
        status__in=Status.unfinished(), requested_at__lt=now - give_up_after
    ).update(status=Status.FAILED, error=_gave_up(model), finished_at=now)


def requeue_dead(model, now):
    """Queue again ``model``'s builds «being built» for longer than ``running_timeout`` (their
    worker was killed); returns their ids."""
    timeout = _policy(model, "running_timeout", "RUNNING_TIMEOUT")
    dead = list(
        model._default_manager.filter(status=Status.RUNNING, started_at__lt=now - timeout)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    model._default_manager.filter(pk__in=dead, status=Status.RUNNING).update(
        status=Status.REQUESTED, started_at=None
    )
    return dead


def delete_expired(model, now):
    """Delete ``model``'s builds asked for more than ``keep_for`` before ``now`` (none when the
    model keeps them), each file first; a build whose file cannot be deleted now (storage away)
    stays for the next sweep. Returns how many were deleted."""
    keep_for = _policy(model, "keep_for")
    if keep_for is None:
        return 0
    deleted = 0
    old = model._default_manager.filter(requested_at__lt=now - keep_for).order_by("pk")
    for build in old[:SWEEP_BATCH]:
        if not _delete_stored(build):
            continue
        build.delete()
        deleted += 1
    return deleted


def sweep(now=None, models=None):
    """For every build model (or ``models``): fail the builds asked for too long ago, queue
    again those whose worker died, send again those whose message was lost, delete those past
    ``keep_for``. Returns, per model label, what it did."""
    now = now or timezone.now()
    report = {}
    for model in build_models() if models is None else models:
        failed = give_up(model, now)
        dead = requeue_dead(model, now)
        resend = sorted(set(dead) | set(stuck(model, now)))
        task = task_of(model) if resend else None
        for build_id in resend:
            enqueue(task, build_id=build_id)
        report[model._meta.label] = {
            "failed": failed,
            "requeued": len(dead),
            "resent": len(resend),
            "deleted": delete_expired(model, now),
        }
    return report
