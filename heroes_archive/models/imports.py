"""An import of heroes from a spreadsheet: the file an editor uploaded (kept privately), who
uploaded it and when, the dry run's preview and the import's progress and outcome.

Its life cycle (``HeroImport.Phase``, what the admin shows)::

    uploaded → checking → checked (the preview is ready) → importing → done
         (either work may end in) → failed

Both steps are background work of a ``BackgroundBuild``: ``stage`` says which one the build's
status is about — the dry run («check») or the import («import») — so that the builds' sweeper
(``kuzbib.base.sweep_builds``) sends again whichever a lost message or a dead worker left
behind (``build_task`` resumes the stage the row is at). Asking for the import starts the
build again (queued, ``requested_at`` now) at the «import» stage. The status changes are made
by ``heroes_archive.importer`` and ``kuzbib_site.base.builds`` only."""

import contextlib
import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models import BackgroundBuild
from kuzbib_site.base.storage import PrivateStorage


def import_storage():
    """Uploaded spreadsheets are kept with the private files, never below MEDIA_URL."""
    return PrivateStorage("heroes_imports")


def source_upload_to(instance, filename):
    """A name of our own (the editor's name is kept in ``original_name``)."""
    return f"{uuid.uuid4().hex}.{instance.file_format or 'bin'}"


class HeroImport(BackgroundBuild):
    """One spreadsheet of heroes on its way into an archive (``index_page``): the dry run's
    report (``report``: per row what would be done and what is wrong, in Russian), then the
    import's progress (``rows_done`` of ``rows_total``) and outcome (``outcome``)."""

    class Stage(models.TextChoices):
        CHECK = "check", _("dry run")
        IMPORT = "import", _("import")

    class Phase(models.TextChoices):
        """Where the import stands, as the editor sees it: the stage and the build's status."""

        UPLOADED = "uploaded", _("uploaded, waiting for the check")
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked: the preview is ready")
        IMPORTING = "importing", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

        @classmethod
        def working(cls):
            """The phases in which a worker has something to do (the page refreshes itself)."""
            return frozenset({cls.UPLOADED, cls.CHECKING, cls.IMPORTING})

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    build_task = "kuzbib.heroes_archive.resume_import"
    result_fields = ("rows_total", "rows_done", "report", "outcome", "encoding")
    # Longer than the import task's hard time limit: an import still running after this lost
    # its worker and is queued again (rows already imported are then skipped as unchanged).
    running_timeout = datetime.timedelta(hours=1)
    gave_up_message = _("The spreadsheet could not be processed in time; upload it again.")

    index_page = models.ForeignKey(
        "heroes_archive.HeroIndexPage",
        verbose_name=_("archive"),
        on_delete=models.CASCADE,
        related_name="imports",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.CHECK)
    source = models.FileField(
        _("spreadsheet"), storage=import_storage, upload_to=source_upload_to, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    report = models.JSONField(_("dry run"), default=dict, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("import of heroes")
        verbose_name_plural = _("imports of heroes")
        ordering = ["-uploaded_at", "-pk"]
        default_permissions = ()
        permissions = [("import_heroes", "Can import heroes")]

    def __str__(self):
        return f"{self.original_name} ({timezone.localtime(self.uploaded_at):%d.%m.%Y %H:%M})"

    @property
    def phase(self):
        Status, Phase = self.Status, self.Phase
        if self.status == Status.FAILED:
            return Phase.FAILED
        if self.stage == self.Stage.CHECK:
            return {
                Status.REQUESTED: Phase.UPLOADED,
                Status.RUNNING: Phase.CHECKING,
                Status.READY: Phase.CHECKED,
            }[self.status]
        return Phase.DONE if self.status == Status.READY else Phase.IMPORTING

    @property
    def is_working(self):
        return self.phase in self.Phase.working()

    @property
    def can_import(self):
        """Checked, and the check found rows to create or update."""
        counts = self.report.get("counts", {})
        return self.phase == self.Phase.CHECKED and bool(
            counts.get("create") or counts.get("update")
        )

    @property
    def percent(self):
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


def _delete_source_on_commit(sender, instance, **kwargs):
    """A deleted import takes its spreadsheet with it once the deletion commits (the build's own
    ``file`` is the base's business)."""
    if not instance.source:
        return
    storage, name = instance.source.storage, instance.source.name

    def delete():
        with contextlib.suppress(OSError):  # storage away: the file stays, the row is gone
            storage.delete(name)

    transaction.on_commit(delete, robust=True)


post_delete.connect(
    _delete_source_on_commit, sender=HeroImport, dispatch_uid="heroes_import_source_deleted"
)
