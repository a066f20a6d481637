"""The programme's changelog: sessions moved or cancelled after the programme was published,
listed with dates on the programme and e-mailed to the registrants who chose them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .conference import ConferencePage
from .sessions import SectionSessionPage


class ProgrammeChange(models.Model):
    class Kind(models.TextChoices):
        MOVED = "moved", _("moved")
        CANCELLED = "cancelled", _("cancelled")
        RESTORED = "restored", _("restored")

    conference = models.ForeignKey(
        ConferencePage,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="programme_changes",
    )
    session = models.ForeignKey(
        SectionSessionPage,
        verbose_name=_("session"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    session_title = models.CharField(_("session"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_start = models.DateTimeField(null=True)
    new_start = models.DateTimeField(null=True)
    old_room = models.CharField(max_length=100, blank=True)
    new_room = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField(_("registrants told at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("programme change")
        verbose_name_plural = _("programme changes")

    def __str__(self):
        return f"{self.session_title}: {self.get_kind_display()}"
