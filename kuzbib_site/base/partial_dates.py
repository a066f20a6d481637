"""Dates known only in part: a day, a month, a year, «около 1920», a range of years, a decade.

Biographies (heroes, members of library dynasties) rarely have every date to the day. A partial
date is kept as its canonical text — what an editor typed, tidied (``12.03.1923``, ``03.1923``,
``1923``, ``ок. 1920``, ``1920–1925``, ``1920-е``) — beside the first and the last day it may
stand for, so that lists sort and filter on real dates while pages say what is known::

    value = PartialDate.parse("март 1923")    # PartialDate(start=1923-03-01, end=1923-03-31, …)
    value.text                                 # "03.1923", stored in the model's CharField
    value.display()                            # "март 1923 г."
    value.iso()                                # "1923-03" (schema.org, ISO 8601)

A model keeps three columns per date, ``<name>`` (the text) and ``<name>_start``/``<name>_end``,
and calls ``sync(instance, name)`` from ``clean`` or ``save``. Input that cannot be a date
(31.02.1923, month 13, a year outside ``MIN_YEAR``–``MAX_YEAR``) raises ``ValidationError`` with
a message in the visitor's language.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS, MONTHS_ALT
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

MIN_YEAR = 1700
MAX_YEAR = 2100

DAY, MONTH, YEAR, RANGE, DECADE = "day", "month", "year", "range", "decade"

# Month names as typed in Russian (nominative, genitive, three-letter abbreviations) and
# English; keys are folded to lower case with ё as е.
_MONTH_WORDS = {}
for _number, _forms in enumerate(
    (
        ("январь", "января", "янв", "january", "jan"),
        ("февраль", "февраля", "фев", "февр", "february", "feb"),
        ("март", "марта", "мар", "march", "mar"),
        ("апрель", "апреля", "апр", "april", "apr"),
        ("май", "мая", "may"),
        ("июнь", "июня", "июн", "june", "jun"),
        ("июль", "июля", "июл", "july", "jul"),
        ("август", "августа", "авг", "august", "aug"),
        ("сентябрь", "сентября", "сен", "сент", "september", "sep", "sept"),
        ("октябрь", "октября", "окт", "october", "oct"),
        ("ноябрь", "ноября", "ноя", "нояб", "november", "nov"),
        ("декабрь", "декабря", "дек", "december", "dec"),
    ),
    start=1,
):
    for _form in _forms:
        _MONTH_WORDS[_form] = _number

# «ок.» or «ок» as a word of its own: «октябрь 1972» is a month, not «около тябрь».
_APPROXIMATE = re.compile(
    r"^(?:около|ок\.|ок(?=\s)|примерно|circa|ca\.|ca(?=\s)|c\.|~)\s*", re.IGNORECASE
)
_YEAR_SUFFIX = re.compile(r"\s*(?:гг?\.?|годы|год|года)\s*$", re.IGNORECASE)
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
_DAY_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DAY_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_DOTTED = re.compile(r"^(\d{1,2})\.(\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY_WORDS = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})$")
_MONTH_WORDS_RE = re.compile(r"^([^\W\d_]+)\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3}0)\s*-?\s*е$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-‐‑‒–—]\s*(\d{4})$")
_BETWEEN = re.compile(r"^между\s+(\d{4})\s+и\s+(\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class PartialDate:
    """A date known to ``precision``: the first and last day it may be, and whether the
    source says «около»."""

    start: datetime.date
    end: datetime.date
    precision: str
    approximate: bool = False

    # -- reading ---------------------------------------------------------------------------
    @classmethod
    def parse(cls, text):
        """The partial date ``text`` names, or None for an empty text. Raises
        ``ValidationError`` for text that is not a date or names one that cannot be."""
        raw = " ".join((text or "").split())
        if not raw:
            return None
        folded = raw.lower().replace("ё", "е")
        approximate = bool(_APPROXIMATE.match(folded)) or folded.endswith("?")
        folded = _APPROXIMATE.sub("", folded).rstrip("?").strip()
        folded = _YEAR_SUFFIX.sub("", folded).strip()
        value = cls._parse_exact(folded)
        if value is None:
            raise ValidationError(
                _(
                    "«%(text)s» is not a date. Write 12.03.1923, 03.1923, март 1923, 1923, "
                    "около 1920, 1920–1925 or 1920-е."
                )
                % {"text": raw[:40]},
                code="invalid_partial_date",
            )
        if approximate and value.precision in (RANGE, DECADE):
            approximate = False  # a range already says the date is not exact
        return cls(value.start, value.end, value.precision, approximate)

    @classmethod
    def _parse_exact(cls, text):
        if match := _DAY_DOTTED.match(text):
            day, month, year = (int(part) for part in match.groups())
            return cls._day(year, month, day)
        if match := _DAY_ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return cls._day(year, month, day)
        if match := _DAY_WORDS.match(text):
            month = _MONTH_WORDS.get(match.group(2))
            if month is None:
                return None
            return cls._day(int(match.group(3)), month, int(match.group(1)))
        if match := _MONTH_DOTTED.match(text):
            return cls._month(int(match.group(2)), int(match.group(1)))
        if match := _MONTH_ISO.match(text):
            return cls._month(int(match.group(1)), int(match.group(2)))
        if match := _MONTH_WORDS_RE.match(text):
            month = _MONTH_WORDS.get(match.group(1))
            if month is None:
                return None
            return cls._month(int(match.group(2)), month)
        if match := _YEAR.match(text):
            year = cls._year(int(match.group(1)))
            return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR)
        if match := _DECADE.match(text):
            year = cls._year(int(match.group(1)))
            return cls(datetime.date(year, 1, 1), datetime.date(year + 9, 12, 31), DECADE)
        if match := _YEAR_RANGE.match(text) or _BETWEEN.match(text):
            first, last = (cls._year(int(part)) for part in match.groups())
            if last < first:
                raise ValidationError(
                    _("The range %(first)s–%(last)s ends before it begins.")
                    % {"first": first, "last": last},
                    code="reversed_range",
                )
            if first == last:
                return cls(datetime.date(first, 1, 1), datetime.date(first, 12, 31), YEAR)
            return cls(datetime.date(first, 1, 1), datetime.date(last, 12, 31), RANGE)
        return None

    @staticmethod
    def _year(year):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                _("The year %(year)s is outside %(min)s–%(max)s.")
                % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
                code="year_out_of_range",
            )
        return year

    @classmethod
    def _month(cls, year, month):
        year = cls._year(year)
        if not 1 <= month <= 12:
            raise ValidationError(
                _("There is no month %(month)s.") % {"month": month}, code="no_such_month"
            )
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last), MONTH)

    @classmethod
    def _day(cls, year, month, day):
        value = cls._month(year, month)
        if not 1 <= day <= calendar.monthrange(value.start.year, month)[1]:
            raise ValidationError(
                _("%(month)s %(year)s has no day %(day)s.")
                % {"month": MONTHS[month], "year": year, "day": day},
                code="no_such_day",
            )
        date = datetime.date(year, month, day)
        return cls(date, date, DAY)

    @classmethod
    def from_date(cls, date):
        return cls(date, date, DAY) if date else None

    # -- writing ---------------------------------------------------------------------------
    @property
    def text(self):
        """The canonical text: parsing it gives this value back."""
        prefix = "ок. " if self.approximate else ""
        if self.precision == DAY:
            return f"{prefix}{self.start:%d.%m.%Y}"
        if self.precision == MONTH:
            return f"{prefix}{self.start:%m.%Y}"
        if self.precision == YEAR:
            return f"{prefix}{self.start.year}"
        if self.precision == DECADE:
            return f"{self.start.year}-е"
        return f"{self.start.year}–{self.end.year}"

    def display(self):
        """In the reader's language: «12 марта 1923 г.», «март 1923 г.», «ок. 1920 г.»,
        «1920–1925 гг.», «1920-е гг.»."""
        if self.precision == DAY:
            shown = pgettext("partial date", "%(day)s %(month)s %(year)s") % {
                "day": self.start.day,
                "month": MONTHS_ALT[self.start.month],
                "year": self.start.year,
            }
        elif self.precision == MONTH:
            shown = pgettext("partial date", "%(month)s %(year)s") % {
                "month": _month_nominative(self.start.month),
                "year": self.start.year,
            }
        elif self.precision == YEAR:
            shown = pgettext("partial date", "%(year)s") % {"year": self.start.year}
        elif self.precision == DECADE:
            return pgettext("partial date", "the %(decade)ss") % {"decade": self.start.year}
        else:
            return pgettext("partial date", "%(first)s–%(last)s") % {
                "first": self.start.year,
                "last": self.end.year,
            }
        if self.approximate:
            return pgettext("partial date", "c. %(date)s") % {"date": shown}
        return shown

    def iso(self):
        """ISO 8601 as schema.org reads it (``1923-03-12``, ``1923-03``, ``1923``); a range or a
        decade gives its years as an interval (``1920/1925``)."""
        if self.precision == DAY:
            return self.start.isoformat()
        if self.precision == MONTH:
            return f"{self.start:%Y-%m}"
        if self.precision == YEAR:
            return str(self.start.year)
        return f"{self.start.year}/{self.end.year}"

    def __str__(self):
        return self.display()


def _month_nominative(month):
    name = str(MONTHS[month])
    # Russian month names are written in lower case inside a date; English ones are not.
    return name.lower() if (get_language() or "").startswith("ru") else name


def normalise(text):
    """The canonical text of ``text`` ('' for empty); raises ``ValidationError`` like parse."""
    value = PartialDate.parse(text)
    return value.text if value else ""


def sync(instance, name):
    """Set ``<name>_start`` and ``<name>_end`` of ``instance`` from its text field ``name``,
    storing the canonical text. Raises ``ValidationError`` keyed by the field's name."""
    try:
        value = PartialDate.parse(getattr(instance, name))
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error
    setattr(instance, name, value.text if value else "")
    setattr(instance, f"{name}_start", value.start if value else None)
    setattr(instance, f"{name}_end", value.end if value else None)
    return value


def display(text):
    """The reader's form of a stored canonical text ('' when empty, the text itself when it no
    longer parses)."""
    try:
        value = PartialDate.parse(text)
    except ValidationError:
        return text
    return value.display() if value else ""
