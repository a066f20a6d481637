"""«Памятные даты»: the heroes whose birthday or Hero title anniversary falls in a month — what
libraries publish in their calendars of memorable dates — and the same dates as an iCalendar
feed of yearly all-day events.

Only dates known to the day or to the month count, and not «около»: an anniversary of a year
alone, or of «ок. 12.03.1923», would be a guess. A date known to the month is listed under its
month without a day, and left out of the calendar feed, which needs a day. Everything is read in
two queries (the heroes born in the month, the titles awarded in it), whatever the archive's
size::

    days = of_month(index_page, month=3, year=2025)
    days[0].date, days[0].anniversaries[0].label  # 2025-03-12, «100 лет со дня рождения»
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kuzbib_site.base.params import QueryReader, echo
from kuzbib_site.base.partial_dates import DAY, MONTH, PartialDate

from .browse import live_heroes
from .models import AwardKind, HeroAward

BIRTH, TITLE = "birth", "title"
#: An anniversary of a multiple of this many years is a round one («юбилей»).
ROUND = 5
#: The years a visitor may ask for: the heroes' births are in the 1880s at the earliest.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_PRODID = "-//Кузбасские библиотеки//Kuzbib heroes archive//RU"


@dataclass(frozen=True)
class Anniversary:
    """A hero's birth or Hero title whose anniversary falls in the month asked for."""

    hero: object
    kind: str
    date: PartialDate
    year: int
    number: int | None = None  # which Hero title: 1, 2; None when the hero has one only

    @property
    def years(self):
        return self.year - self.date.start.year

    @property
    def is_round(self):
        return self.years > 0 and self.years % ROUND == 0

    @property
    def day(self):
        """The day of the month it falls on in ``year`` (29 February on the 28th in a common
        year), or None when only the month is known."""
        if self.date.precision != DAY:
            return None
        return min(self.date.start.day, _last_day(self.year, self.date.start.month))

    @property
    def label(self):
        """«100 лет со дня рождения», «65 лет со дня присвоения звания Героя Социалистического
        Труда» in the reader's language."""
        years = self.years
        if self.kind == BIRTH:
            text = ngettext(
                "%(years)s year since the birth", "%(years)s years since the birth", years
            )
        elif self.number and self.number > 1:
            text = ngettext(
                "%(years)s year since the second Hero title",
                "%(years)s years since the second Hero title",
                years,
            )
        else:
            text = ngettext(
                "%(years)s year since the Hero title", "%(years)s years since the Hero title", years
            )
        return text % {"years": years}

    @property
    def sort_key(self):
        return (0 if self.kind == BIRTH else 1, self.hero.sort_name, self.hero.pk)


@dataclass
class Day:
    """The anniversaries of one day of the month (``date`` None: the day is not known)."""

    date: datetime.date | None
    anniversaries: list = field(default_factory=list)


def _last_day(year, month):
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def _exact(queryset, name):
    """Rows whose partial date ``name`` is one day or one month (its first and last day in the
    same month of the same year), not «около»."""
    return queryset.filter(
        **{
            f"{name}_start__isnull": False,
            f"{name}_end__year": F(f"{name}_start__year"),
            f"{name}_end__month": F(f"{name}_start__month"),
        }
    ).exclude(**{f"{name}__startswith": "ок."})


def _parsed(text):
    """The stored canonical text as a partial date, when it still is one of a day or month."""
    try:
        value = PartialDate.parse(text)
    except ValidationError:  # a stored text that no longer parses has no anniversary
        return None
    if value is None or value.approximate or value.precision not in (DAY, MONTH):
        return None
    return value


def anniversaries(index_page, month=None, year=None):
    """The births and Hero titles of the heroes below ``index_page`` in ``month`` (1–12; None:
    every month), as ``Anniversary`` objects for ``year`` (default this year). Two queries."""
    year = year or timezone.localdate().year
    heroes = _exact(live_heroes(index_page), "birth_date").defer_streamfields()
    titles = _exact(
        HeroAward.objects.filter(kind=AwardKind.HERO, hero__in=live_heroes(index_page)), "date"
    )
    if month is not None:
        heroes = heroes.filter(birth_date_start__month=month)
        titles = titles.filter(date_start__month=month)
    found = []
    for hero in heroes:
        date = _parsed(hero.birth_date)
        if date is not None:
            found.append(Anniversary(hero, BIRTH, date, year))
    for award in titles.select_related("hero").defer("hero__biography"):
        date = _parsed(award.date)
        if date is None:
            continue
        number = award.number if award.hero.title_count > 1 else None
        found.append(Anniversary(award.hero, TITLE, date, year, number))
    return found


def of_month(index_page, month, year):
    """The month's anniversaries grouped by day, in the order of the days, the ones whose day
    is not known last; anniversaries not yet reached in ``year`` (the birth or title is later)
    are left out."""
    days = {}
    for anniversary in anniversaries(index_page, month, year):
        if anniversary.years <= 0:
            continue
        day = anniversary.day
        date = datetime.date(year, month, day) if day else None
        days.setdefault(date, Day(date)).anniversaries.append(anniversary)
    ordered = sorted(days.values(), key=lambda day: (day.date is None, day.date or 0))
    for day in ordered:
        day.anniversaries.sort(key=lambda anniversary: anniversary.sort_key)
    return ordered


# -- the calendar feed -------------------------------------------------------------------------


def _summary(anniversary):
    name = anniversary.hero.title
    date = anniversary.date.text
    if anniversary.kind == BIRTH:
        return _("Birthday of %(name)s, Hero of Socialist Labour (%(date)s)") % {
            "name": name,
            "date": date,
        }
    if anniversary.number and anniversary.number > 1:
        return _("%(name)s awarded the second Hero of Socialist Labour title (%(date)s)") % {
            "name": name,
            "date": date,
        }
    return _("%(name)s awarded the Hero of Socialist Labour title (%(date)s)") % {
        "name": name,
        "date": date,
    }


def _uid(anniversary, domain):
    """Stable across edits, re-imports and exports: the hero's identifier, what is remembered
    and, for a twice-hero's titles, which one."""
    what = anniversary.kind
    if anniversary.kind == TITLE:
        what = f"title-{anniversary.number or 1}"
    return f"hero-{anniversary.hero.identifier.lower()}-{what}@{domain}"


def ical_event(anniversary, request=None, *, domain):
    """A yearly all-day event on the day of the birth or of the title, from its first year."""
    start = anniversary.date.start
    event = icalendar.Event()
    event.add("uid", _uid(anniversary, domain))
    event.add(
        "dtstamp",
        anniversary.hero.last_published_at
        or anniversary.hero.first_published_at
        or datetime.datetime(start.year, start.month, start.day, tzinfo=datetime.UTC),
    )
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(days=1))
    if (start.month, start.day) == (2, 29):
        # The last day of February: the 29th in leap years, the 28th in the others (a rule on
        # the 29th alone would skip three years in four).
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    else:
        event.add("rrule", {"freq": "yearly"})
    event.add("summary", _summary(anniversary))
    url = anniversary.hero.get_full_url(request)
    if url:
        event.add("url", url)
        event.add("description", url)
    event.add("transp", "TRANSPARENT")
    return event


def calendar(index_page, request=None, month=None):
    """The archive's memorable dates (of one month, or all) as an .ics file (bytes): a yearly
    all-day event for each birth and Hero title known to the day, in the site's language."""
    url = index_page.get_full_url(request) or ""
    domain = urlsplit(url).hostname or "localhost"
    with translation.override(settings.LANGUAGE_CODE):
        ical = icalendar.Calendar()
        ical.add("prodid", _PRODID)
        ical.add("version", "2.0")
        ical.add("calscale", "GREGORIAN")
        ical.add("x-wr-calname", _("Memorable dates: %(archive)s") % {"archive": index_page.title})
        found = [
            anniversary
            for anniversary in anniversaries(index_page, month)
            if anniversary.date.precision == DAY
        ]
        found.sort(key=lambda anniversary: (anniversary.date.start, anniversary.sort_key))
        for anniversary in found:
            ical.add_component(ical_event(anniversary, request, domain=domain))
    return ical.to_ical()


def parse_month(query, today=None, *, with_year=True):
    """``(month, year, problems)`` from a QueryDict's ``month`` and ``year``: this month and
    year unless ASCII numbers in range are given; each refused value named in a notice. A
    parameter given twice with different values counts once, the first, as the index's
    filters do. ``with_year=False`` reads the month alone."""
    today = today or timezone.localdate()
    reader = QueryReader(query)
    problems = reader.problems
    raw_month = reader.raw("month", _("month"))
    raw_year = reader.raw("year", _("year")) if with_year else ""
    month, year = today.month, today.year
    if raw_month:
        number = _number(raw_month)
        if number is not None and 1 <= number <= 12:
            month = number
        else:
            problems.append(
                _("«%(value)s» is not a month from 1 to 12; this month is shown.")
                % {"value": echo(raw_month)}
            )
    if raw_year:
        number = _number(raw_year)
        if number is not None and FIRST_YEAR <= number <= LAST_YEAR:
            year = number
        else:
            problems.append(
                _("«%(value)s» is not a year from %(first)s to %(last)s; this year is shown.")
                % {"value": echo(raw_year), "first": FIRST_YEAR, "last": LAST_YEAR}
            )
    return month, year, problems


def _number(text):
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def month_title(month, year):
    """«ноябрь 2023 г.» / «November 2023»: the month as a partial date reads it."""
    return PartialDate.parse(f"{month:02d}.{year}").display()
