"""ZIP archives of a contest's entries, asked for by a manager and built in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .entries import entry_storage


class EntriesArchive(models.Model):
    """A ZIP of a contest's entries (their files and a CSV list) that a manager asked for; built
    by Celery on the ``pdf`` queue and downloaded through a permission-checked view."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    contest = models.ForeignKey(
        "contests.ContestPage",
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="archives",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(storage=entry_storage, upload_to="archives/", blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("entries archive")
        verbose_name_plural = _("entries archives")

    def __str__(self):
        return f"{self.contest} ({self.created_at:%d.%m.%Y %H:%M})"
