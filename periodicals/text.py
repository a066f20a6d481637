"""A scanned page's text as the archive searches it: the shared lemmatised index
(``kuzbib_site.base.lemma_index``) over text with pre-reform letters folded
(``orthography.fold``) — on both sides, so that «город» finds «городѣ» and «библиотеки»
finds «библіотека».

    page_lemmas(text, corrected=())    # Scan.lemmas: OCR text and accepted corrections
    matching(scans, query)             # the scans whose lemmas hold every query word
    word_matcher(query)                # a test of one word of a page, for marking hits"""

from kuzbib_site.base import lemma_index

from .orthography import fold


def page_lemmas(text, corrected=()):
    """The stored lemmas of a page whose OCR text is ``text`` and whose accepted corrections
    are the lines ``corrected``: both versions are searchable."""
    return lemma_index.stored_lemmas(fold(" ".join([text, *corrected])))


def query_groups(query):
    return lemma_index.query_groups(fold(query))


def has_words(query):
    return bool(query_groups(query))


def matching(scans, query):
    """The scans of ``scans`` whose lemmas hold every word of ``query`` in some form (adds a
    filter, runs no query); a query without words returns ``scans`` unchanged."""
    groups = query_groups(query)
    return scans.filter(lemmas__has_lemmas=groups) if groups else scans


def word_matcher(query):
    """Whether a word of a page (in any spelling) is a hit of ``query``."""
    matches = lemma_index.word_matcher(fold(query))
    return lambda word: matches(fold(word))
