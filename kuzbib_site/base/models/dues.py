"""Membership dues: each member library owes a yearly fee to the partnership."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .directory import Library


class MembershipFeeQuerySet(models.QuerySet):
    def unpaid(self):
        return self.filter(paid_on__isnull=True)


class MembershipFee(models.Model):
    """The fee a member library owes for one calendar year, and when it was paid (empty while it
    is owed). The arrears report lists the unpaid ones per library and year."""

    library = models.ForeignKey(
        Library, verbose_name=_("library"), on_delete=models.CASCADE, related_name="fees"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("amount, roubles"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = MembershipFeeQuerySet.as_manager()

    panels = [
        FieldPanel("library"),
        FieldRowPanel([FieldPanel("year"), FieldPanel("amount"), FieldPanel("paid_on")]),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["library__full_name", "year"]
        verbose_name = _("membership fee")
        verbose_name_plural = _("membership fees")
        constraints = [
            models.UniqueConstraint(fields=["library", "year"], name="one_fee_per_library_year")
        ]

    def __str__(self):
        return f"{self.library} — {self.year}"

    @property
    def is_paid(self):
        return self.paid_on is not None
