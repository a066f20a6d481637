"""Search helpers: cleaning a visitor's query and highlighting the words it matched.

The site's index (``lemma_index``) keeps pymorphy3's normal forms of the words; the highlighter
agrees with it by comparing lemmas too (``шахтёров`` and ``шахтеры`` both become ``шахтер``)
rather than the letters typed.
"""

import re
import unicodedata
from functools import lru_cache

import pymorphy3
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .conf import setting

WORD_RE = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _analyzer():
    return pymorphy3.MorphAnalyzer(lang="ru")


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


@lru_cache(maxsize=20000)
def lemma(word):
    word = word.lower().replace("ё", "е")
    if not any("а" <= char <= "я" for char in word):
        return word
    return _analyzer().parse(word)[0].normal_form.replace("ё", "е")


def query_lemmas(query):
    return {lemma(word) for word in WORD_RE.findall(query) if len(word) > 1}


def highlight(text, query, width=None):
    """Escape ``text`` and wrap the words whose lemma the query shares in <mark>. With ``width``,
    return only a window of about that many characters around the first match."""
    text = text or ""
    wanted = query_lemmas(query)
    matches = [m for m in WORD_RE.finditer(text) if lemma(m.group()) in wanted] if wanted else []
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
