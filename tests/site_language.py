"""Interface strings as the site's readers see them: in the site's language (Russian), made from
the English msgid the code passes to gettext. Tests name the message they expect by its msgid and
compare what the page or the error really says, whatever the catalogue's wording."""

import datetime

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

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


def date_in_site_language(value, format_name="DATETIME_FORMAT"):
    """``value`` as a template's ``|date:format_name`` shows it: in the current time zone, in the
    site language's format."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    with translation.override(SITE_LANGUAGE):
        return date_format(value, format_name)
