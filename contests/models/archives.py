"""ZIP archives of a contest's entries, asked for by a manager and built in the background."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import dates
from kuzbib_site.base.models import BackgroundBuild

from ..conf import setting
from .entries import entry_storage


class EntriesArchive(BackgroundBuild):
    """A ZIP of a contest's entries (their files and a CSV list) that a manager asked for; built
    by Celery on the ``pdf`` queue (``kuzbib_site.base.builds`` runs and sweeps it) and
    downloaded through a permission-checked view."""

    build_task = "kuzbib.contests.build_entries_archive"
    build_owner = ("contest",)
    result_fields = ("entry_count", "size")
    # Longer than the build task's hard time limit (1900 s): a build still «being built» after
    # this lost its worker and is queued again.
    running_timeout = datetime.timedelta(seconds=2000)
    gave_up_message = _("The archive could not be prepared in time; ask for a new one.")

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="archives",
    )
    # With the entries' files, not with other builds: every participant's files are in it.
    file = models.FileField(
        _("file"), storage=entry_storage, upload_to="archives/", blank=True, max_length=255
    )
    entry_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("entries archive")
        verbose_name_plural = _("entries archives")

    def __str__(self):
        return f"{self.contest} ({dates.moment(self.requested_at)})"

    @classmethod
    def keep_for(cls):
        """A ZIP holds every participant's files and personal data: it is deleted (by the
        builds' sweeper) ``ARCHIVE_KEEP_DAYS`` days after it was asked for."""
        return datetime.timedelta(days=setting("ARCHIVE_KEEP_DAYS"))
