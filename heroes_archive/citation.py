"""Bibliographic references per GOST R 7.0.100-2018: a hero's sources (``gost_source``) and the
«Как цитировать эту запись» text of the hero's own page (``cite_record``).

The standard's areas are joined by «. — »; an author of one to three authors heads the reference
(«Иванов, И. И.») and every author is named again after the title («/ И. И. Иванов»); with four
or more the reference opens with the title and names three «[и др.]». A part of a periodical or a
collection follows «//»; an online document says «Текст : электронный» and ends with
«URL: … (дата обращения: ДД.ММ.ГГГГ)»::

    Иванов, И. И. Заголовок / И. И. Иванов. — Кемерово : Кн. изд-во, 1975. — 120 с.
    Петров, П. Шахтёрская слава / П. Петров // Кузбасс. — 1957. — № 45 (12 марта). — С. 2.

The words the standard prescribes («Текст : электронный», «дата обращения», «с.», «С.», «№»,
«[и др.]») are Russian in every interface language: a GOST reference is Russian by definition,
and a reader who copies it into a Russian bibliography needs them as they are. They are
therefore constants here, not translatable strings.
"""

import re

from kuzbib_site.base.partial_dates import DAY, MONTH, YEAR

from .models import SourceKind

AREA = ". — "
ELECTRONIC = "Текст : электронный"
ET_AL = "[и др.]"
NO_PLACE = "[Б. м.]"
SITE = "[сайт]"

# One initial: a capital, perhaps with one small letter («Ю.», «Вл.»), and its full stop.
_INITIAL = r"[A-ZА-ЯЁ][a-zа-яё]?\."
_INITIALS = rf"(?:{_INITIAL}\s*){{1,3}}"
_NAME = r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*"
_SURNAME_FIRST = re.compile(rf"^(?P<surname>{_NAME}),?\s+(?P<initials>{_INITIALS})$")
_INITIALS_FIRST = re.compile(rf"^(?P<initials>{_INITIALS})\s*(?P<surname>{_NAME})$")
# Authors are separated by «;», or by a comma before a surname or before initials followed by
# a surname: «Иванов И. И., Петров П. П.» and «И. И. Иванов, П. П. Петров» are two authors,
# «Иванов, И. И.» one.
_AUTHOR_SEPARATOR = re.compile(
    rf"\s*;\s*|\s*,\s*(?=[A-ZА-ЯЁ][a-zа-яё]{{2,}}|{_INITIALS}\s*[A-ZА-ЯЁ][a-zа-яё])"
)
_DIGITS = re.compile(r"^\d+$")
_PAGE_RANGE = re.compile(r"^(\d+)\s*[-‐‑‒–—]\s*(\d+)$")
_PAGE_LABEL = re.compile(r"^(?:с|c|стр|pp?)\.?\s*", re.IGNORECASE)
_ISSUE_LABEL = re.compile(r"^(?:№|n[o°]?\.?|#|вып\.|т\.|vol\.)", re.IGNORECASE)


def _clean(text):
    return " ".join(str(text or "").split())


def _closed(text):
    """``text`` ready to be followed by a full stop: a stop it already ends with is not doubled,
    and a question, an exclamation or an ellipsis keeps its own sign."""
    text = _clean(text)
    while text.endswith(".") and not text.endswith("..."):
        if re.search(rf"(?:^|\s){_INITIAL}$", text) or text.endswith(" г."):
            break  # an abbreviation's stop («И. И.», «1957 г.») is the area's stop too
        text = text[:-1].rstrip()
    return text


def _join_areas(areas):
    """The areas joined by «. — » and closed with a full stop."""
    parts = [_closed(area) for area in areas if _clean(area)]
    text = ""
    for part in parts:
        if not text:
            text = part
        elif text.endswith((".", "?", "!", "…")):
            text = f"{text} — {part}"
        else:
            text = f"{text}{AREA}{part}"
    if text and not text.endswith((".", "?", "!", "…")):
        text += "."
    return text


# -- authors -----------------------------------------------------------------------------------


def _person(text):
    """(surname, initials) of «Иванов И. И.», «Иванов, И.И.» or «И. И. Иванов»; None when the
    text is not a person's name with initials (an organisation, a full name)."""
    for pattern in (_SURNAME_FIRST, _INITIALS_FIRST):
        if found := pattern.match(text):
            initials = " ".join(re.findall(_INITIAL, found.group("initials")))
            return found.group("surname"), initials
    return None


def authors(text):
    """The heading («Иванов, И. И.» or '') and the statement of responsibility («И. И. Иванов,
    П. П. Петров» or the text as given) of the author field."""
    names = [part for part in _AUTHOR_SEPARATOR.split(_clean(text)) if part]
    if not names:
        return "", ""
    people = [_person(name) for name in names]
    if not all(people):
        # Not all of them are «Surname I. I.»: the field is shown as the editor wrote it.
        return "", _clean(text)
    responsibility = [f"{initials} {surname}" for surname, initials in people]
    if len(people) >= 4:
        return "", ", ".join(responsibility[:3]) + f" {ET_AL}"
    surname, initials = people[0]
    return f"{surname}, {initials}", ", ".join(responsibility)


def _title_area(source_title, author):
    heading, responsibility = authors(author)
    title = _clean(source_title)
    if responsibility:
        title = f"{_closed(title)} / {responsibility}"
    return f"{heading} {title}" if heading else title


# -- numbers -----------------------------------------------------------------------------------


def _pages_of_part(pages):
    """«С. 2», «С. 12–14» for pages within a periodical, a collection or a file."""
    pages = _PAGE_LABEL.sub("", _clean(pages))
    if found := _PAGE_RANGE.match(pages):
        pages = f"{found.group(1)}–{found.group(2)}"
    return f"С. {pages}" if pages else ""


def _extent(pages):
    """A book's extent: «120 с.»; a range is the pages cited in it («С. 12–14»)."""
    pages = _clean(pages)
    if _DIGITS.match(pages):
        return f"{pages} с."
    return _pages_of_part(pages)


def _issue(issue):
    issue = _clean(issue)
    if issue and not _ISSUE_LABEL.match(issue):
        return f"№ {issue}"
    return issue


def _online(url, accessed):
    url = _clean(url)
    if not url:
        return ""
    if accessed:
        return f"URL: {url} (дата обращения: {accessed:%d.%m.%Y})"
    return f"URL: {url}"


# -- kinds of sources --------------------------------------------------------------------------


def _publication(place, publisher, year):
    """«Кемерово : Кн. изд-во, 1975», «Кемерово, 1975», «[Б. м.] : Кн. изд-во, 1975»."""
    place, publisher = _clean(place), _clean(publisher)
    year = str(year) if year else ""
    where = f"{place or NO_PLACE} : {publisher}" if publisher else place
    return ", ".join(part for part in (where, year) if part)


def _book(source):
    return _join_areas(
        [
            _title_area(source.title, source.author),
            _publication(source.place, source.container, source.year),
            _extent(source.pages),
            _online(source.url, source.accessed),
            ELECTRONIC if source.url else "",
        ]
    )


def _article(source):
    head = _title_area(source.title, source.author)
    container = _clean(source.container)
    if not container:
        return _book(source)
    if _clean(source.place):
        # A collection: where and when it was published.
        host = [container, _publication(source.place, "", source.year)]
    else:
        # A periodical: the year, then the issue.
        host = [container, str(source.year or "")]
    areas = [*host, _issue(source.issue), _pages_of_part(source.pages)]
    if source.url:
        areas.append(_online(source.url, source.accessed))
        head = f"{_closed(head)}{AREA}{ELECTRONIC}"
    return f"{head} // {_join_areas(areas)}"


def _archival(source):
    """An archival document: its title and date, then «//» the archive and the file (fond,
    inventory, file, sheets) as the editor wrote them, e.g. «ГАКО. Ф. Р-75. Оп. 1. Д. 12.
    Л. 3–5»."""
    head = _title_area(source.title, source.author)
    if source.year:
        head = f"{_closed(head)}, {source.year} г."
    reference = _clean(source.archive_reference) or _clean(source.container)
    if not reference:
        return _join_areas([head])
    return f"{head} // {_join_areas([reference, _online(source.url, source.accessed)])}"


def _web(source):
    """A web page: «Заголовок / Автор. — Текст : электронный // Сайт : [сайт]. — 2018. —
    URL: … (дата обращения: …)»."""
    head = f"{_closed(_title_area(source.title, source.author))}{AREA}{ELECTRONIC}"
    container = _clean(source.container)
    site = f"{container} : {SITE}" if container else ""
    areas = [site, str(source.year or ""), _online(source.url, source.accessed)]
    if not site:
        return _join_areas([head, *areas])
    return f"{head} // {_join_areas(areas)}"


_WRITERS = {
    SourceKind.BOOK: _book,
    SourceKind.ARTICLE: _article,
    SourceKind.ARCHIVE: _archival,
    SourceKind.WEB: _web,
}


def gost_source(source):
    """The reference to ``source`` (a ``Source``) per GOST R 7.0.100-2018, as plain text."""
    return _WRITERS.get(source.kind, _article)(source)


# -- the record itself -------------------------------------------------------------------------


def _life_year(value):
    if value is None:
        return ""
    if value.precision in (DAY, MONTH, YEAR):
        return f"ок. {value.start.year}" if value.approximate else str(value.start.year)
    return value.text


def life_years(page):
    """«1923–1985», «ок. 1920–1985», «род. 1923» or '' from the hero's partial dates."""
    birth, death = _life_year(page.birth()), _life_year(page.death())
    if birth and death:
        return f"{birth}–{death}"
    if birth:
        return f"род. {birth}"
    if death:
        return f"ум. {death}"
    return ""


def cite_record(page, url, accessed, *, archive_title=None):
    """How to cite the hero's page as an online document per GOST R 7.0.100-2018::

        Шахтёров Иван Петрович (1923–1985). — Текст : электронный // Герои Социалистического
        Труда — кузбассовцы : [сайт]. — URL: https://…/ (дата обращения: 12.03.2025).

    ``archive_title`` is the archive's title (the page's parent, read when not given)."""
    if archive_title is None:
        parent = page.get_parent()
        archive_title = parent.title if parent else ""
    title = _clean(page.title)
    years = life_years(page)
    if years:
        title = f"{title} ({years})"
    head = f"{_closed(title)}{AREA}{ELECTRONIC}"
    areas = [f"{_clean(archive_title)} : {SITE}" if archive_title else "", _online(url, accessed)]
    return f"{head} // {_join_areas(areas)}"
