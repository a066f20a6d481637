"""Reading a public list's URL parameters (filters, sorting, a page) the way every list of the
site does: a value that cannot be used is dropped with a notice that repeats it harmlessly, never
an error page. An app's list subclasses ``QueryReader`` with a method per parameter (the heroes
archive's and the dynasties' ``browse`` modules)."""

import re
import unicodedata

from django.utils.translation import gettext as _

#: How much of a refused value a notice repeats.
ECHO_LENGTH = 40
#: A number in a URL: digits only, short enough for any integer column.
NUMBER = re.compile(r"^[0-9]{1,9}$")
#: A tag's slug.
SLUG = re.compile(r"^[-\w]{1,100}$")


def echo(value):
    """A refused value as a notice repeats it: control characters (a NUL byte…) shown as «�»,
    spaces collapsed, shortened."""
    text = "".join(
        "\ufffd" if unicodedata.category(char).startswith("C") else char for char in str(value)
    )
    text = " ".join(text.split())
    return text if len(text) <= ECHO_LENGTH else text[: ECHO_LENGTH - 1] + "…"


class QueryReader:
    """Reads one parameter at a time from a QueryDict, collecting the notices (``problems``) and
    the names of the records the values stand for (``names``)."""

    def __init__(self, query):
        self.query = query
        self.problems = []
        self.names = {}

    def raw(self, name, label):
        """The parameter's one value ('' when absent). Repeated with different values: the
        first, with a notice."""
        values = [value for value in self.query.getlist(name) if value.strip()]
        if not values:
            return ""
        if len(set(values)) > 1:
            self.problems.append(
                _("Several values were given for «%(what)s»; only the first is used.")
                % {"what": label}
            )
        return values[0].strip()

    def slug(self, name, label, refusal):
        """A slug (a tag's), or '' with ``refusal(value)`` as the notice."""
        raw = self.raw(name, label)
        if raw and not SLUG.match(raw):
            self.problems.append(refusal(raw))
            return ""
        return raw
