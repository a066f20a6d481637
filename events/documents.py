"""Participants' documents for editors, as PDFs: the participants list (optionally with a column
to sign in at the door), name badges (eight to an A4 sheet) and certificates of participation
for those who attended, after the conference has ended.

Plain functions, free of HTTP: each reads the registrations with one query
(``select_related("library")``), so the number of queries does not grow with the number of
participants, and renders with ``kuzbib_site.base.pdf.render_pdf``. They run synchronously in the
request: WeasyPrint renders about a hundred badges in a few seconds, enough for conferences of
a few hundred people. Larger ones would move to a task on the ``pdf`` queue like the proceedings.

The documents are in the site's language (Russian) whatever language the editor's admin uses.
"""

from django.conf import settings
from django.utils import timezone, translation

from kuzbib_site.base.pdf import render_pdf

from .models import Registration

#: Badges on one A4 sheet: two columns, four rows.
BADGES_PER_SHEET = 8
BADGE_COLUMNS = 2

#: Longest library and conference names printed on a badge; longer ones are cut with «…».
BADGE_LIBRARY_CHARS = 220
BADGE_TITLE_CHARS = 140


def _sort_key(registration):
    # Alphabetical in Russian whatever the database's collation: ё sorts with е.
    return (registration.name.casefold().replace("ё", "е"), registration.pk)


def _registrations(conference, **filters):
    return sorted(
        Registration.objects.filter(conference=conference, **filters).select_related("library"),
        key=_sort_key,
    )


def confirmed(conference):
    """Confirmed registrations of the conference, sorted by name."""
    return _registrations(conference, status=Registration.Status.CONFIRMED)


def attendees(conference):
    """Registrations marked as attended, sorted by name."""
    return _registrations(conference, attended=True)


def certificates_available(conference, now=None):
    """Certificates are issued once the conference has ended."""
    return conference.end < (now or timezone.now())


def _size(text, steps):
    """The first class whose limit the text's length fits, else the last."""
    for limit, size in steps:
        if len(text) <= limit:
            return size
    return steps[-1][1]


def _cut(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _badge(registration):
    library = registration.library
    library_name = (library.short_name or library.full_name) if library else ""
    library_name = _cut(library_name or registration.new_library_name, BADGE_LIBRARY_CHARS)
    name = registration.name
    return {
        "registration": registration,
        "name": name,
        # Long names get smaller type so that they fit the badge; they also wrap.
        "name_class": _size(name, [(22, "xl"), (34, "l"), (56, "m"), (100, "s"), (200, "xs")]),
        "library": library_name,
        "library_class": _size(library_name, [(60, "m"), (120, "s"), (BADGE_LIBRARY_CHARS, "xs")]),
    }


def _render(template_name, context):
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(template_name, context)


def participants_pdf(conference, sign_in=False):
    """The list of confirmed participants: №, name, library, position, role, status; with
    ``sign_in`` an empty column to sign or tick at the door."""
    return _render(
        "events/pdf/participants.html",
        {
            "conference": conference,
            "registrations": confirmed(conference),
            "sign_in": sign_in,
            "printed_at": timezone.now(),
        },
    )


def badges_pdf(conference):
    """Name badges of confirmed participants, eight to an A4 sheet, with dotted cut lines."""
    badges = [_badge(registration) for registration in confirmed(conference)]
    sheets = [badges[i : i + BADGES_PER_SHEET] for i in range(0, len(badges), BADGES_PER_SHEET)]
    return _render(
        "events/pdf/badges.html",
        {
            "conference": conference,
            "conference_title": _cut(conference.title, BADGE_TITLE_CHARS),
            "sheets": [
                [sheet[i : i + BADGE_COLUMNS] for i in range(0, len(sheet), BADGE_COLUMNS)]
                for sheet in sheets
            ],
        },
    )


def certificates_pdf(conference, registrations):
    """Certificates of participation, one page each, for the given registrations (the template
    writes the conference's days with ``kuzbib_dates``)."""
    return _render(
        "events/pdf/certificates.html",
        {"conference": conference, "registrations": registrations},
    )
