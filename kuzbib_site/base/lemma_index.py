"""The lemmatised index of the site's pages: search by Russian word forms on both databases.

Every live page has one ``LemmaEntry`` (``kuzbib_site.base.models.lemmas``) holding the distinct
lemmas of its text. A query is reduced to lemmas by the same function, so «шахтёров», «шахтеры»
and «шахтёр» all find a page that says «шахтёры», on PostgreSQL (a full-text match served by a
GIN index) and on the embedded SQLite default (whole words) alike.

The API (the site search, the heroes archive's browsing and importer use it)::

    lemmas(text)                  # the text's distinct lemmas, in order of first appearance
    stored_lemmas(text)           # the same as a LemmaText column stores them (other records)
    matching(queryset, query)     # the pages of queryset whose entry holds every query word
    ranked(queryset, query)       # matching(), title hits first
    update(pages)                 # (re)index these pages, a constant number of queries
    remove(page_ids)              # drop their entries
    rebuild()                     # the whole index again (manage.py rebuild_lemma_index)

Signals keep it fresh: a page saved or published while live is indexed, an unpublished one
leaves, a deleted one takes its entry with it (the entry's foreign key cascades), a moved one is
indexed again.

Word forms. pymorphy3 (the lemmatiser the highlighter uses too: ``kuzbib_site.base.search``) gives
each word its most likely normal form, but for surnames its first guess is not stable across
cases: it knows «Иванов», yet takes «Мазикин» for a form of «мазикина» while «Мазикиным» is
«мазикин». So a word stands for a few candidates — the word itself, the first parse's normal
form, the normal forms of its parses as a surname, and, for a word shaped like a surname in
-ов/-ев/-ин/-ын with a case ending, that surname (pymorphy3 has no surname parse of «Шипилов»
at all). A page's entry keeps
every candidate of every word; a query word matches when any of its candidates is there, and
all query words must match. Both sides use one function, so they always agree; the word itself
among the candidates means an exact word form always finds itself. Prepositions, conjunctions,
particles, interjections and single letters are left out on both sides.

Derived words. A lemma is a word's own normal form, so «шахтёрский» (an adjective) stays apart
from «шахтёр». A query word therefore also finds the words that begin with its stem (``stems``):
a common noun its lemma without the final vowel («шахтёр» finds «шахтёрский», «библиотека»
«библиотекарь», «Кемерово» «кемеровский»), an adjective its lemma without the suffix that made
it from a noun («шахтёрский» finds «шахтёров», «угольный» «уголь», «исторический» «история»).
Precision: only stems of at least ``SHORTEST_STEM`` letters (so «мир» does not find «мировой»,
nor «шахта» «шахтёр»), and none for names of people, whose forms the candidates above already
cover («Иванов» does not find «Ивановка»). Stems are the query's alone: the index keeps lemmas,
and a stem matches any indexed lemma it begins (``LIKE '% stem%'``, a ``stem:*`` tsquery), so
the rule can change without rebuilding the index. The highlighter marks the same words
(``word_matcher``).
"""

import html
import logging
import re
from functools import lru_cache

import pymorphy3
from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.signals import post_save
from django.utils import translation
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import LemmaEntry
from .models.lemmas import STEM_MARK

logger = logging.getLogger(__name__)

#: A word: letters and digits. Not ``\w``: the underscore means nothing in text, and lemmas of
#: letters and digits alone go into LIKE patterns and tsqueries without escaping.
WORD_RE = re.compile(r"[^\W_]+")
#: Stress marks (У́ голь) would split a word in two; they are dropped before anything else.
STRESS_MARKS = dict.fromkeys(map(ord, "\u0300\u0301"))
#: Longer "words" (hashes, runs of letters) are not words anyone searches for, and PostgreSQL
#: would not index them anyway.
LONGEST_WORD = 64
#: A query's words beyond this many are ignored: each one adds a condition to the SQL.
MOST_QUERY_WORDS = 24
#: Parts of speech that carry no meaning to search for.
FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})
#: The grammeme of a surname: the normal forms of a word's parses as a surname are candidates.
#: (Not first names: «Петров» would stand for «Пётр» too.)
SURNAME = "Surn"
#: A surname in -ов/-ев/-ин/-ын with a case ending (ё is already е): «мазикиным» → «мазикин».
SURNAME_FORM = re.compile(r"^(\w{2,}(?:ов|ев|ин|ын))(?:а|у|ым|ом|е|ой|ою|ы|ых|ыми)$")
CHUNK = 500
#: The shortest stem that finds the words beginning with it: «шахтёр» finds «шахтёрский», while
#: «мир» finds neither «мировой» nor «мирный» and «шахта» not «шахтёр».
SHORTEST_STEM = 5
#: The grammemes of people's names: no stems (their forms are candidates already).
PERSONAL_NAMES = ("Name", "Surn", "Patr")
#: A noun's final vowel (with the и or ь before it: «история» → «истор», «статья» → «стат», which
#: is too short to be a stem, not «стать», the verb's lemma).
NOUN_ENDING = re.compile(r"[иь]?[аяоеиыую]$")
#: The suffixes that make an adjective from a noun, longest first: «шахтёрский» → «шахтер»,
#: «исторический» → «истор», «угольный» → «уголь». Not -овый/-евый: pymorphy3 takes a surname it
#: does not know for such an adjective («Шипиловой» → «шипиловый»), whose stem «шипил» would
#: find other surnames.
ADJECTIVE_SUFFIXES = ("ический", "ский", "ской", "цкий", "цкой", "ный", "ной")


@lru_cache(maxsize=1)
def _analyzer():
    """pymorphy3's analyser, one for the process: its dictionaries are big."""
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=50000)
def word_lemmas(word):
    """The candidate lemmas of one word (lower case, ё written е), the most likely first; an
    empty tuple for a word not worth searching (a preposition, a single letter, a run of 64
    characters and more)."""
    word = word.lower().replace("ё", "е")
    if len(word) > LONGEST_WORD or (len(word) == 1 and not word.isdigit()):
        return ()
    candidates = [word]
    if any("а" <= char <= "я" for char in word):
        parses = _analyzer().parse(word)
        if parses[0].tag.POS in FUNCTION_WORDS:
            return ()
        candidates = [parses[0].normal_form, word]
        candidates += [p.normal_form for p in parses if SURNAME in p.tag]
        surname = SURNAME_FORM.match(word)
        if surname:
            candidates.append(surname.group(1))
    # Letters and digits only, whatever lower-casing or the analyser made of them («İ» lowers to
    # «i» and a combining dot): the has_lemmas lookup puts lemmas into SQL patterns as they are.
    cleaned = ("".join(char for char in c.replace("ё", "е") if char.isalnum()) for c in candidates)
    return tuple(dict.fromkeys(c for c in cleaned if c))


@lru_cache(maxsize=20000)
def stems(word):
    """The stems of a query word whose derived words it finds too (see the module's notes): a
    common noun's lemma without its final vowel, an adjective's without its noun-forming suffix;
    an empty tuple for other words, names of people and stems shorter than ``SHORTEST_STEM``."""
    word = word.lower().replace("ё", "е")
    if len(word) > LONGEST_WORD or not any("а" <= char <= "я" for char in word):
        return ()
    parse = _analyzer().parse(word)[0]
    if any(grammeme in parse.tag for grammeme in PERSONAL_NAMES):
        return ()
    lemma = parse.normal_form.replace("ё", "е")
    if parse.tag.POS == "NOUN":
        stem = NOUN_ENDING.sub("", lemma)
    elif parse.tag.POS == "ADJF":
        suffix = next((suffix for suffix in ADJECTIVE_SUFFIXES if lemma.endswith(suffix)), "")
        stem = lemma[: -len(suffix)] if suffix else ""
    else:
        return ()
    return (stem,) if len(stem) >= SHORTEST_STEM and stem.isalnum() else ()


def query_candidates(word):
    """What one query word matches: its candidate lemmas (``word_lemmas``) and its stems, each
    written with ``STEM_MARK`` after it; a lemma that a stem begins is left out (the stem finds
    it)."""
    word_stems = stems(word)
    exact = [lemma for lemma in word_lemmas(word) if not lemma.startswith(word_stems)]
    return (*exact, *(stem + STEM_MARK for stem in word_stems))


def _words(text):
    return WORD_RE.findall((text or "").translate(STRESS_MARKS))


def lemmas(text):
    """The distinct lemmas of ``text`` (every candidate of every word), in order of first
    appearance."""
    return list(dict.fromkeys(lemma for word in _words(text) for lemma in word_lemmas(word)))


def query_groups(query):
    """The query as groups of candidates (``query_candidates``), one group per distinct word
    worth searching (at most ``MOST_QUERY_WORDS``): a page matches when each group has a lemma
    in its entry, or a lemma that begins with one of its stems."""
    groups = dict.fromkeys(
        group for word in _words(query) if word_lemmas(word) and (group := query_candidates(word))
    )
    return tuple(groups)[:MOST_QUERY_WORDS]


def word_matcher(query):
    """A test of one word of a text: whether the query matched it (the highlighter marks it) —
    one of its candidate lemmas is a candidate of a query word, or begins with a query stem. The
    very rule the index applies to a page's entry."""
    candidates = [candidate for group in query_groups(query) for candidate in group]
    exact = {candidate for candidate in candidates if not candidate.endswith(STEM_MARK)}
    prefixes = tuple(c.removesuffix(STEM_MARK) for c in candidates if c.endswith(STEM_MARK))

    def matches(word):
        if not candidates:  # a query without words matches no word
            return False
        word = word.translate(STRESS_MARKS)
        return any(lemma in exact or lemma.startswith(prefixes) for lemma in word_lemmas(word))

    return matches


def has_words(query):
    """Whether the query holds any word to search for (not only punctuation, prepositions or
    single letters)."""
    return bool(query_groups(query))


def matching(queryset, query):
    """The pages of ``queryset`` (``Page`` or any page model) whose entry holds every word of
    ``query`` in some form. Adds a subquery and runs no query of its own; a query without words
    returns ``queryset`` unchanged."""
    groups = query_groups(query)
    if not groups:
        return queryset
    entries = LemmaEntry.objects.filter(lemmas__has_lemmas=groups).values("page_id")
    return queryset.filter(pk__in=entries)


def ranked(queryset, query):
    """``matching()``, ordered by title hits: pages whose title holds every query word first,
    then those whose title holds some, then the rest; by title within each."""
    groups = query_groups(query)
    found = matching(queryset, query)
    if not groups:
        return found
    some_word = (tuple(dict.fromkeys(lemma for group in groups for lemma in group)),)
    rank = (
        LemmaEntry.objects.filter(page_id=OuterRef("pk"))
        .annotate(
            rank=Case(
                When(title_lemmas__has_lemmas=groups, then=Value(2)),
                When(title_lemmas__has_lemmas=some_word, then=Value(1)),
                default=Value(0),
            )
        )
        .values("rank")[:1]
    )
    return found.annotate(lemma_title_rank=Subquery(rank, output_field=IntegerField())).order_by(
        "-lemma_title_rank", "title", "pk"
    )


def indexed_text(page):
    """What the index keeps of a (specific) page: ``page.lemma_text()`` when the page defines
    it, else its title, search description and ``search_excerpt_text()``; in the site's language
    (choices and labels a page may add to its text)."""
    with translation.override(settings.LANGUAGE_CODE):
        own = getattr(page, "lemma_text", None)
        if callable(own):
            text = own()
        else:
            excerpt = getattr(page, "search_excerpt_text", None)
            parts = [page.title, page.search_description, excerpt() if callable(excerpt) else ""]
            text = " ".join(part for part in parts if part)
    # Rich text loses its tags before it gets here, not its entities (&nbsp; is no word).
    return html.unescape(text or "")


def _padded(words):
    return f" {' '.join(words)} " if words else " "


def stored_lemmas(text):
    """What a ``LemmaText`` column holds for ``text``: its lemmas, space-separated and padded.
    For records that are not pages but are searched the same way (the periodicals archive's
    scanned pages)."""
    return _padded(lemmas(text))


def _specific(pages, prefetch):
    """The pages as instances of their own page models (a move hands over plain ``Page``s),
    loading only those that are not: one query, and one per page model among them. With
    ``prefetch``, each model's ``lemma_prefetch`` lookups (what its ``lemma_text()`` reads, e.g.
    ``("municipality", "tags")``) are prefetched for all of its pages at once."""
    plain = [page for page in pages if page.specific_class not in (None, type(page))]
    loaded = {}
    if plain:
        loaded = {p.pk: p for p in Page.objects.filter(pk__in=[p.pk for p in plain]).specific()}
    result = [loaded.get(page.pk, page) for page in pages]
    if not prefetch:
        return result
    by_model = {}
    for page in result:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        lookups = getattr(model, "lemma_prefetch", ())
        if lookups:
            prefetch_related_objects(group, *lookups)
    return result


def update(pages):
    """(Re)index ``pages`` (Page objects, specific or not): live ones get their entry written,
    the others lose it. A constant number of queries whatever their number (one to check which
    are live, one upsert per few hundred pages on SQLite, one delete), plus those loading plain
    pages' specific objects and prefetching what their text reads (``lemma_prefetch``)."""
    _index(pages, prefetch=True)


def _index(pages, prefetch):
    pages = list({page.pk: page for page in pages if page.pk is not None}.values())
    if not pages:
        return
    ids = [page.pk for page in pages]
    # The database says which are live (and still exist: an entry needs its page).
    live = set(Page.objects.filter(pk__in=ids, live=True).values_list("pk", flat=True))
    gone = [pk for pk in ids if pk not in live]
    if gone:
        remove(gone)
    entries = [
        LemmaEntry(
            page_id=page.pk,
            lemmas=_padded(lemmas(f"{page.title} {indexed_text(page)}")),
            title_lemmas=_padded(lemmas(page.title)),
        )
        for page in _specific([page for page in pages if page.pk in live], prefetch)
    ]
    if entries:
        LemmaEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=["lemmas", "title_lemmas"],
        )


def remove(page_ids):
    """Drop the entries of these pages (one query)."""
    LemmaEntry.objects.filter(page_id__in=list(page_ids)).delete()


def rebuild(chunk_size=CHUNK):
    """Index every live page again and drop the entries of pages that are not live; returns how
    many pages were indexed. Works in chunks, each in its own transaction, so the index never
    looks empty to the site search while it runs."""
    LemmaEntry.objects.exclude(page__live=True).delete()
    ids = list(Page.objects.live().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            update(Page.objects.filter(pk__in=ids[start : start + chunk_size]).specific())
    return len(ids)


# --- Keeping the index fresh --------------------------------------------------------------------


def _quietly(work, page):
    """Index from a signal without failing the editor's save: a failure is logged (the next
    publish or a rebuild repairs the entry), as Wagtail's own search index does."""
    try:
        with transaction.atomic():
            work()
    except Exception:
        logger.exception("Could not update the lemma index for page %s", page.pk)


def _reindex(page):
    # Not prefetched: a page being saved may hold related records (tags, a cluster's children)
    # that are committed only after post_save; the instance's own managers return them.
    _quietly(lambda: _index([page], prefetch=False), page)


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # Only full saves: a save of some fields (a new draft revision's bookkeeping) comes from an
    # instance that may hold unpublished content.
    if raw or update_fields is not None or not isinstance(instance, Page):
        return
    if instance.live:
        _reindex(instance)
    elif not kwargs.get("created"):
        _quietly(lambda: remove([instance.pk]), instance)


def _published(sender, instance, **kwargs):
    _reindex(instance)


def _unpublished(sender, instance, **kwargs):
    _quietly(lambda: remove([instance.pk]), instance)


def _moved(sender, instance, **kwargs):
    # The entry does not depend on the page's place (the site search restricts by the tree when
    # it queries), so only the moved page itself is indexed again, not its descendants.
    _reindex(instance)


def connect():
    """Connect the signals that keep the index fresh (``BaseConfig.ready``)."""
    post_save.connect(_saved, dispatch_uid="kuzbib_lemma_index_saved")
    page_published.connect(_published, dispatch_uid="kuzbib_lemma_index_published")
    page_unpublished.connect(_unpublished, dispatch_uid="kuzbib_lemma_index_unpublished")
    post_page_move.connect(_moved, dispatch_uid="kuzbib_lemma_index_moved")
