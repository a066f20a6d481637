"""Interface strings as the site's readers see them: in the site's language (Russian), made from
the English msgid the code passes to gettext. Tests name the message they expect by its msgid and
compare what the page or the error really says, whatever the catalogue's wording."""

from django.utils import translation
from django.utils.translation import gettext, ngettext

from kuzbib_site.base import dates

SITE_LANGUAGE = "ru"


def in_site_language(msgid, **values):
    """``msgid`` translated, with ``values`` put in its placeholders when given."""
    with translation.override(SITE_LANGUAGE):
        text = gettext(msgid)
    return text % values if values else text


def in_site_language_plural(singular, plural, number, **values):
    """The plural form for ``number``, with ``values`` put in its placeholders."""
    with translation.override(SITE_LANGUAGE):
        text = ngettext(singular, plural, number)
    return text % values


def moment_in_site_language(value):
    """``value`` as the site's pages show a moment («16 декабря 2008 г., 10:00»): through the one
    date helper, in the site's language."""
    with translation.override(SITE_LANGUAGE):
        return dates.moment(value)
