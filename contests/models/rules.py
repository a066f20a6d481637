"""What a contest is run by: its nominations, the criteria entries are judged on and its dated
stages. Each is an inline of the contest page (``ParentalKey``), edited with it."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable


class Nomination(Orderable):
    contest = ParentalKey(
        "contests.ContestPage", on_delete=models.CASCADE, related_name="nominations"
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self):
        return self.title


class Criterion(Orderable):
    """A judging criterion: its weight in the total and the highest score a juror may give; for
    every nomination, or for one."""

    contest = ParentalKey("contests.ContestPage", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("only for nomination"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="criteria",
        help_text=_("Empty: the criterion applies to every nomination."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("weight"), FieldPanel("max_score"), FieldPanel("nomination")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name


class Stage(Orderable):
    """A dated stage of the contest, shown as a timeline and in the calendar."""

    class Kind(models.TextChoices):
        SUBMISSIONS = "submissions", _("submissions")
        JUDGING = "judging", _("judging")
        RESULTS = "results", _("results")
        OTHER = "other", _("other")

    contest = ParentalKey("contests.ContestPage", on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
    ]

    class Meta(Orderable.Meta):
        ordering = ["start", "sort_order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self):
        return self.title

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("A stage cannot end before it starts.")})

    def is_open_for_entries(self, now):
        """A submissions stage running at ``now``."""
        return (
            self.kind == self.Kind.SUBMISSIONS
            and self.start <= now
            and (self.end is None or now <= self.end)
        )
