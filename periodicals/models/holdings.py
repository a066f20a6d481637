"""The union catalogue of periodicals: which member library keeps which printed issues of which
title. A ``Holding`` is one library's holdings of one title — a summary statement in the Z39.71
style («1956–1960; 1962–1991 (неполн.)») and, where known, the issues themselves
(``HeldIssue``: a year and a number). Editors type them in or import them (``HoldingsImport``:
MARC 21 Holdings, RUSMARC, CSV), and the title's calendar and each issue's page say where the
printed copy can be read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.models import Library
from kuzbib_site.base.storage import PrivateStorage


def import_storage():
    return PrivateStorage("periodicals/imports")


class Holding(models.Model):
    """One library's printed copies of one title."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("typed in")
        MARC21 = "marc21", _("MARC 21 Holdings")
        RUSMARC = "rusmarc", "RUSMARC"
        CSV = "csv", "CSV"

    title = models.ForeignKey(
        "periodicals.TitlePage",
        verbose_name=_("periodical"),
        on_delete=models.CASCADE,
        related_name="holdings",
    )
    library = models.ForeignKey(
        Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+"
    )
    summary = models.CharField(
        _("holdings"),
        max_length=1000,
        blank=True,
        help_text=_("E.g. «1956–1960; 1962–1991 (неполн.)». Empty: made from the issues held."),
    )
    call_number = models.CharField(_("shelf mark"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title", "library"]
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        constraints = [
            models.UniqueConstraint(fields=["title", "library"], name="periodicals_holding_once")
        ]

    def __str__(self):
        return f"{self.library}: {self.title}"


class HeldIssue(models.Model):
    """One printed issue a library holds: its year and number as printed (or the whole year
    when ``number`` is empty)."""

    holding = models.ForeignKey(
        Holding, verbose_name=_("holding"), on_delete=models.CASCADE, related_name="issues"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("number"), max_length=40, blank=True)

    class Meta:
        ordering = ["holding", "year", "number"]
        verbose_name = _("held issue")
        verbose_name_plural = _("held issues")
        constraints = [
            models.UniqueConstraint(
                fields=["holding", "year", "number"], name="periodicals_held_issue_once"
            )
        ]
        indexes = [models.Index(fields=["year"], name="periodicals_held_year")]

    def __str__(self):
        return f"{self.year} № {self.number}" if self.number else str(self.year)


class HoldingsImport(models.Model):
    """A file of holdings (MARC 21 Holdings, RUSMARC, CSV) checked in a dry run first and then
    applied: ``report`` lists what would change and what was refused, line by line."""

    class Format(models.TextChoices):
        MARC21 = "marc21", _("MARC 21 Holdings (ISO 2709)")
        RUSMARC = "rusmarc", _("RUSMARC (ISO 2709)")
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked: ready to apply")
        APPLYING = "applying", _("being applied")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("refused")

    file = models.FileField(_("file"), storage=import_storage, upload_to="%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    library = models.ForeignKey(
        Library,
        verbose_name=_("library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The holder when the file does not name one."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("holdings import")
        verbose_name_plural = _("holdings imports")

    def __str__(self):
        return self.original_name
