"""Search helpers: cleaning a visitor's query and highlighting the words it matched.

The site's index (``lemma_index``) keeps pymorphy3's normal forms of the words; the highlighter
agrees with it by applying the index's own rule to every word of the text
(``lemma_index.word_matcher``): ``шахтёров`` and ``шахтеры`` both become ``шахтер``, and a query's
stem marks the words derived from it (``шахтёр`` marks ``шахтёрских``), rather than the letters
typed.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import lemma_index
from .conf import setting

#: A word of a text to highlight: letters and digits, stress marks inside it (the matcher drops
#: them, as the index does).
WORD_RE = re.compile(r"[^\W_](?:[^\W_]|[\u0300\u0301])*")


def clean_query(raw):
    """A query safe to hand to the search backend: no control characters (PostgreSQL refuses
    NUL), collapsed spaces, cut to the configured length. Returns (query, was_truncated)."""
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in raw or ""
    )
    text = " ".join(text.split())
    limit = setting("SEARCH_QUERY_MAX_LENGTH")
    if len(text) > limit:
        return text[:limit].rsplit(" ", 1)[0] or text[:limit], True
    return text, False


def highlight(text, query, width=None):
    """Escape ``text`` and wrap the words whose lemma the query shares in <mark>. With ``width``,
    return only a window of about that many characters around the first match."""
    text = text or ""
    matched = lemma_index.word_matcher(query)
    matches = [m for m in WORD_RE.finditer(text) if matched(m.group())]
    start, end = 0, len(text)
    if width and len(text) > width:
        first = matches[0].start() if matches else 0
        start = max(0, first - width // 3)
        if start:  # begin and end on word boundaries
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + width)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        matches = [m for m in matches if m.start() >= start and m.end() <= end]
    out, cursor = [], start
    for match in matches:
        out.append(escape(text[cursor : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    out.append(escape(text[cursor:end]))
    html = "".join(out)
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)  # noqa: S308 - every piece of text above is escaped
