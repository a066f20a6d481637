"""The inline records of a hero: awards, pictures, memorials and sources. They are ``Orderable``
children of ``HeroPage`` through ``ParentalKey``, edited on the page and kept in its revisions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from kuzbib_site.base import partial_dates

from ..conf import setting
from .vocabularies import AwardKind, MemorialKind, SourceKind


class HeroAward(Orderable):
    """The Hero of Socialist Labour title (with its decree and, for twice-heroes, which time) or
    another order, medal or prize, with its date."""

    hero = ParentalKey("heroes_archive.HeroPage", on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("award"), max_length=40, choices=AwardKind.choices)
    date = models.CharField(
        _("date"),
        max_length=40,
        blank=True,
        help_text=_("The decree's date: 12.03.1957, 03.1957 or 1957."),
    )
    date_start = models.DateField(null=True, blank=True, editable=False)
    date_end = models.DateField(null=True, blank=True, editable=False)
    decree = models.CharField(
        _("decree"),
        max_length=500,
        blank=True,
        help_text=_("E.g. «Указ Президиума Верховного Совета СССР от 26.04.1957»."),
    )
    number = models.PositiveSmallIntegerField(
        _("which time"),
        null=True,
        blank=True,
        help_text=_("For a hero awarded the title twice: 1 or 2."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date"), FieldPanel("number")]),
        FieldPanel("decree"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [models.Index(fields=["kind", "date_start"], name="hero_award_kind_date")]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        super().clean()
        value = partial_dates.sync(self, "date")
        first, last = setting("TITLE_FIRST_YEAR"), setting("TITLE_LAST_YEAR")
        if (
            value
            and self.kind == AwardKind.HERO
            and not (first <= value.start.year and value.end.year <= last)
        ):
            raise ValidationError(
                {
                    "date": _(
                        "The Hero of Socialist Labour title was awarded from %(first)s to %(last)s."
                    )
                    % {"first": first, "last": last}
                }
            )
        if self.number and self.kind != AwardKind.HERO:
            raise ValidationError({"number": _("Only the Hero title is counted.")})

    def display_date(self):
        return partial_dates.display(self.date)


class HeroImage(Orderable):
    """A picture of a hero's life beside the portrait: at work, with the family, a document."""

    hero = ParentalKey("heroes_archive.HeroPage", on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")


class Memorial(Orderable):
    """Where the hero is remembered: a bust, a plaque, a street, the grave."""

    hero = ParentalKey(
        "heroes_archive.HeroPage", on_delete=models.CASCADE, related_name="memorials"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MemorialKind.choices)
    place = models.CharField(_("place"), max_length=255, help_text=_("Settlement and address."))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("place"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("memorial")
        verbose_name_plural = _("memorials")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.place}"


class Source(Orderable):
    """A bibliographic reference about the hero, rendered per GOST R 7.0.100-2018
    (``heroes_archive.citation``)."""

    hero = ParentalKey("heroes_archive.HeroPage", on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(
        _("kind"), max_length=10, choices=SourceKind.choices, default=SourceKind.ARTICLE
    )
    author = models.CharField(
        _("author"), max_length=255, blank=True, help_text=_("Surname and initials: Иванов И. И.")
    )
    title = models.CharField(_("title"), max_length=500)
    container = models.CharField(
        _("periodical or publisher"),
        max_length=255,
        blank=True,
        help_text=_("The newspaper, journal or collection of an article; the publisher of a book."),
    )
    place = models.CharField(_("place of publication"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    issue = models.CharField(_("issue"), max_length=100, blank=True, help_text=_("№ 45 (12 марта)"))
    pages = models.CharField(_("pages"), max_length=50, blank=True, help_text=_("12–14 or 320"))
    url = models.URLField(_("URL"), blank=True, max_length=500)
    accessed = models.DateField(_("accessed on"), null=True, blank=True)
    archive_reference = models.CharField(
        _("archive reference"),
        max_length=255,
        blank=True,
        help_text=_("E.g. «ГАКО. Ф. Р-75. Оп. 1. Д. 12. Л. 3–5»."),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("author"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("container"), FieldPanel("place")]),
        FieldRowPanel([FieldPanel("issue"), FieldPanel("pages")]),
        FieldRowPanel([FieldPanel("url"), FieldPanel("accessed")]),
        FieldPanel("archive_reference"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title
