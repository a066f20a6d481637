"""The builds of a conference's proceedings: who asked for one and when, where it stands, and why
it failed. The PDF itself is the conference page's Wagtail document (``ConferencePage.
proceedings``), replaced in place by each build so that its public URL stays the same."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models import BackgroundBuild

from .conference import ConferencePage


class ProceedingsBuild(BackgroundBuild):
    """One (re)build of «Сборник материалов конференции» (``events/proceedings.py``)."""

    build_task = "kuzbib.events.build_proceedings"
    build_owner = ("conference",)

    conference = models.ForeignKey(
        ConferencePage,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="proceedings_builds",
    )

    class Meta(BackgroundBuild.Meta):
        verbose_name = _("proceedings build")
        verbose_name_plural = _("proceedings builds")

    def __str__(self):
        return f"{self.conference} ({self.get_status_display()})"
