"""A dynasty's family as inline records of its page, kept in its revisions: the members, the
typed kinship links between them and their periods of work in libraries.

Kinship and work periods point at a member by the member's number within the dynasty (1…N), not
by a foreign key: Wagtail's inline panels cannot point at a row added in the same edit, and the
public application form numbers its rows the same way. ``DynastyPageForm`` and the application
form check the numbers and the whole family (``dynasties.family.problems``) before anything is
saved.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from kuzbib_site.base import partial_dates

from .. import family

YEAR = [MinValueValidator(1000), MaxValueValidator(2999)]
DATE_HELP = _("12.03.1923, 03.1923, март 1923, 1923, около 1920, 1920–1925 or 1920-е.")


class Sex(models.TextChoices):
    MALE = "m", _("male")
    FEMALE = "f", _("female")


class Member(Orderable):
    """One member of a dynasty: names, partial dates of birth and death, sex and a portrait."""

    dynasty = ParentalKey("dynasties.DynastyPage", on_delete=models.CASCADE, related_name="members")
    number = models.PositiveSmallIntegerField(
        _("number"),
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_("Kinship and work periods refer to the member by this number."),
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    maiden_name = models.CharField(_("maiden name"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.CharField(_("born"), max_length=40, blank=True, help_text=DATE_HELP)
    birth_date_start = models.DateField(null=True, blank=True, editable=False)
    birth_date_end = models.DateField(null=True, blank=True, editable=False)
    death_date = models.CharField(_("died"), max_length=40, blank=True, help_text=DATE_HELP)
    death_date_start = models.DateField(null=True, blank=True, editable=False)
    death_date_end = models.DateField(null=True, blank=True, editable=False)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("sex")]),
        FieldRowPanel([FieldPanel("last_name"), FieldPanel("first_name")]),
        FieldRowPanel([FieldPanel("patronymic"), FieldPanel("maiden_name")]),
        FieldRowPanel([FieldPanel("birth_date"), FieldPanel("death_date")]),
        FieldPanel("photo"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("family member")
        verbose_name_plural = _("family members")

    def __str__(self):
        return f"{self.number}. {self.full_name}"

    @property
    def full_name(self):
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def clean(self):
        super().clean()
        errors = {}
        for name in ("birth_date", "death_date"):
            try:
                partial_dates.sync(self, name)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        for name in ("birth_date", "death_date"):
            partial_dates.sync(self, name)
        super().save(*args, **kwargs)

    def as_person(self):
        return family.Person(
            number=self.number,
            last_name=self.last_name,
            first_name=self.first_name,
            patronymic=self.patronymic,
            maiden_name=self.maiden_name,
            sex=self.sex,
            birth=self.birth_date,
            death=self.death_date,
        )


class Kinship(Orderable):
    """A typed link between two members of the dynasty, by their numbers: «№ 1 — родитель № 3»,
    spouses (with the years of the marriage, so that a remarriage is told apart), siblings."""

    class Kind(models.TextChoices):
        PARENT = family.Link.PARENT, _("is a parent of")
        SPOUSE = family.Link.SPOUSE, _("is married to")
        SIBLING = family.Link.SIBLING, _("is a sibling of")

    dynasty = ParentalKey("dynasties.DynastyPage", on_delete=models.CASCADE, related_name="links")
    person = models.PositiveSmallIntegerField(_("member No."))
    kind = models.CharField(_("kinship"), max_length=10, choices=Kind.choices)
    relative = models.PositiveSmallIntegerField(_("of member No."))
    start_year = models.PositiveSmallIntegerField(
        _("married in"), null=True, blank=True, validators=YEAR
    )
    end_year = models.PositiveSmallIntegerField(
        _("marriage ended in"), null=True, blank=True, validators=YEAR
    )

    panels = [
        FieldRowPanel([FieldPanel("person"), FieldPanel("kind"), FieldPanel("relative")]),
        FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("kinship")
        verbose_name_plural = _("kinship")

    def __str__(self):
        return f"{self.person} {self.get_kind_display()} {self.relative}"

    def as_link(self):
        return family.Link(
            kind=self.kind,
            person=self.person,
            relative=self.relative,
            start=self.start_year,
            end=self.end_year,
        )


class WorkPeriod(Orderable):
    """A member's period of work in a library (from the directory or named), from one year to
    another or up to now."""

    dynasty = ParentalKey("dynasties.DynastyPage", on_delete=models.CASCADE, related_name="periods")
    member = models.PositiveSmallIntegerField(_("member No."))
    library = models.ForeignKey(
        "base.Library",
        verbose_name=_("library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    library_name = models.CharField(_("library not in the directory"), max_length=500, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), validators=YEAR)
    end_year = models.PositiveSmallIntegerField(
        _("to (year)"), null=True, blank=True, validators=YEAR, help_text=_("Empty: works now.")
    )

    panels = [
        FieldRowPanel([FieldPanel("member"), FieldPanel("start_year"), FieldPanel("end_year")]),
        FieldRowPanel([FieldPanel("library"), FieldPanel("library_name")]),
        FieldPanel("position"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("work period")
        verbose_name_plural = _("work periods")

    def __str__(self):
        return f"{self.member}: {self.start_year}–{self.end_year or ''}"

    def clean(self):
        super().clean()
        if not self.library_id and not self.library_name.strip():
            raise ValidationError(
                {"library_name": _("Choose the library from the directory or type its name.")}
            )

    @property
    def library_display(self):
        return self.library.full_name if self.library_id else self.library_name

    def as_period(self):
        return family.Period(
            member=self.member,
            start=self.start_year,
            end=self.end_year,
            library=self.library_display,
            library_id=self.library_id,
            position=self.position,
        )
