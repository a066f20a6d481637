"""The record of a file built in the background (a ZIP of a contest's entries, a conference's
proceedings, a batch of diplomas…): who asked for it and when, where it stands, and the file.

A concrete build subclasses ``BackgroundBuild``, adds what it is a build of (a foreign key to its
contest or conference) and names its Celery task; ``kuzbib_site.base.builds`` asks for builds,
runs them and sweeps up the ones a lost message or a killed worker left behind::

    class EntriesArchive(BackgroundBuild):
        build_task = "kuzbib.contests.build_entries_archive"
        build_owner = ("contest",)
        contest = models.ForeignKey(ContestPage, on_delete=models.CASCADE, related_name="archives")
        file = models.FileField(storage=entry_storage, upload_to="archives/", blank=True)

The file is private by default (``PRIVATE_MEDIA_ROOT/builds``, served only by a view that checks
permissions); a subclass redeclares ``file`` for another storage or folder. Deleting a build's
row deletes its file once the deletion commits."""

import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..storage import PrivateStorage

logger = logging.getLogger(__name__)


def build_storage():
    """Builds hold personal data (participants' files, names): private storage by default."""
    return PrivateStorage("builds")


def build_upload_to(instance, filename):
    """``<upload_folder>/<filename>``: the folder is the subclass's ``upload_folder``."""
    return f"{instance.upload_folder}/{filename}"


class BackgroundBuild(models.Model):
    """A file built by a Celery task. The row is the build's whole state: no result backend,
    no cache lock. A subclass sets:

    - ``build_task`` — the name of its Celery task, called with ``build_id=``;
    - ``build_owner`` — the fields naming what the build is of (``("contest",)``): a request
      while a build of the same owner waits returns that build instead of a second one;
    - optionally ``stuck_after``, ``running_timeout``, ``give_up_after`` (``timedelta``; None
      takes the site's ``KUZBIB_BASE["BUILDS"]`` values), ``upload_folder`` and
      ``result_fields`` (fields the work sets on the build, saved with the ready state)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("queued")
        RUNNING = "running", _("being built")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

        @classmethod
        def unfinished(cls):
            """Asked for and not done yet: what the sweeper watches."""
            return frozenset({cls.REQUESTED, cls.RUNNING})

        @classmethod
        def finished(cls):
            return frozenset({cls.READY, cls.FAILED})

    build_task = ""
    build_owner = ()
    stuck_after = None
    running_timeout = None
    give_up_after = None
    upload_folder = "builds"
    result_fields = ()

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(
        _("file"), storage=build_storage, upload_to=build_upload_to, blank=True, max_length=255
    )

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-pk"]
        get_latest_by = "requested_at"

    @property
    def is_unfinished(self):
        return self.status in self.Status.unfinished()

    @property
    def is_ready(self):
        return self.status == self.Status.READY


def _delete_file_on_commit(sender, instance, **kwargs):
    """A deleted build takes its file with it, once the deletion has committed (a rolled-back
    deletion keeps both). A storage that is away is logged, not raised: the row is gone."""
    if not isinstance(instance, BackgroundBuild) or not instance.file:
        return
    storage, name, pk = instance.file.storage, instance.file.name, instance.pk

    def delete():
        try:
            storage.delete(name)
        except OSError:
            logger.warning("%s %s: its file %s could not be deleted", sender.__name__, pk, name)

    transaction.on_commit(delete, robust=True)


post_delete.connect(_delete_file_on_commit, dispatch_uid="kuzbib_base_build_file_delete")
