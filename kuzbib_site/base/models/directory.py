"""The partnership's directory: municipalities of the Kemerovo region, libraries and people.

These are snippets shared by every app: a conference registration names a Library, a talk's
speaker is a Person, a contest checks a participant's Municipality.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index


class Municipality(index.Indexed, models.Model):
    """A city (urban okrug) or district of the Kemerovo region; libraries belong to one, and
    contests may limit eligibility to some of them."""

    class Kind(models.TextChoices):
        URBAN_OKRUG = "urban_okrug", _("urban okrug")
        MUNICIPAL_OKRUG = "municipal_okrug", _("municipal okrug")
        MUNICIPAL_DISTRICT = "municipal_district", _("municipal district")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    panels = [FieldPanel("name"), FieldPanel("kind")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class LibraryQuerySet(models.QuerySet):
    def members(self, on=None):
        """Libraries that are members of the partnership on the given date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(member_since__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class Library(index.Indexed, models.Model):
    """A library of the region, member of the partnership or not. Membership is the span from
    ``member_since`` to ``left_on``; dues are charged per year while it lasts."""

    full_name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=100, blank=True, help_text=_("E.g. МУК, МБУК, ГУК.")
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="libraries",
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    member_since = models.DateField(_("partnership member since"), null=True, blank=True)
    left_on = models.DateField(_("left the partnership on"), null=True, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo of the library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on the list of libraries: the building, a reading room."),
    )

    objects = LibraryQuerySet.as_manager()

    panels = [
        FieldPanel("full_name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("legal_form")]),
        FieldPanel("municipality"),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("member_since"), FieldPanel("left_on")])],
            heading=_("Membership"),
        ),
    ]
    search_fields = [
        index.SearchField("full_name"),
        index.SearchField("short_name"),
        index.AutocompleteField("full_name"),
        index.AutocompleteField("short_name"),
        index.FilterField("municipality"),
    ]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(member_since__isnull=False, left_on__gte=models.F("member_since")),
                name="library_left_after_joining",
            )
        ]

    def __str__(self):
        return self.short_name or self.full_name

    def is_member(self, on=None):
        on = on or timezone.localdate()
        if self.member_since is None or self.member_since > on:
            return False
        return self.left_on is None or self.left_on > on

    def membership_years(self, until=None):
        """Calendar years in which the library was a member for at least a day."""
        if self.member_since is None:
            return range(0)
        last = self.left_on or until or timezone.localdate()
        if isinstance(last, datetime.datetime):
            last = last.date()
        return range(self.member_since.year, last.year + 1)


class Person(index.Indexed, models.Model):
    """A person the site speaks about: a speaker, a section leader, a juror, an organiser."""

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    library = models.ForeignKey(
        Library,
        verbose_name=_("library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bio = RichTextField(_("biography"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    panels = [
        FieldRowPanel(
            [FieldPanel("last_name"), FieldPanel("first_name"), FieldPanel("patronymic")]
        ),
        FieldPanel("position"),
        FieldPanel("library"),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]
    search_fields = [
        index.SearchField("last_name"),
        index.SearchField("first_name"),
        index.AutocompleteField("last_name"),
        index.AutocompleteField("first_name"),
    ]

    class Meta:
        ordering = ["last_name", "first_name", "patronymic"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)
