"""The kind of a page in visitors' words: «Мероприятие», «Конкурс», «Страница».

A page class names its kind with a ``visitor_kind`` attribute (a lazy translatable string);
search results and cards print it. It is not the model's verbose name, which speaks to editors
(«Обычная страница», «Страница конференции»).
"""

from django.utils.translation import pgettext_lazy

#: What a page says when its class names no kind of its own.
DEFAULT_KIND = pgettext_lazy("kind of page", "Page")


def kind_of(page):
    """The visitor's name for the kind of ``page`` (a specific page or its class)."""
    return getattr(page, "visitor_kind", None) or DEFAULT_KIND
