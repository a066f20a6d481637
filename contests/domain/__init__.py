"""The life cycles of the contests app's records: one module of transition functions per record
(``entry``). Views, the admin, tasks and the processing pipeline change a status only through
them, never by assigning ``.status`` themselves."""

import functools

from django.conf import settings
from django.utils import translation


def in_site_language(function):
    """Reasons and log lines are stored as text in the site's language, whichever request or
    worker wrote them."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper
