"""The lemmatised index of the site's pages: one ``LemmaEntry`` per live page with the distinct
lemmas of its text, so that a search for «шахтёров» finds a page that says «шахтёры», and
«Ивановым» a page about «Иванов Иван», on PostgreSQL and on SQLite alike.

``kuzbib_site.base.lemma_index`` fills it (signals, ``manage.py rebuild_lemma_index``, the
importers' ``update()``) and searches it (``matching()``); nothing else writes here.

The lemmas are stored as one text, separated by single spaces with a space at either end
(`` шахтер иванов иван ``), and searched with the ``has_lemmas`` lookup: on PostgreSQL a full-text
match under the ``simple`` configuration (no stemming: the lemmas are already normal forms),
served by a GIN index on exactly that expression (migration 0004); elsewhere whole words with
``LIKE '% lemma %'``, which the padding makes exact. A query's stem (``шахтер*``: a lemma written
with ``*`` after it) matches every lemma it begins: a prefix tsquery (``шахтер:*``, which the GIN
index serves too), ``LIKE '% шахтер%'`` elsewhere."""

from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _

#: The expression the GIN index of migration 0004 is built on. The lookup must produce the very
#: same expression, or PostgreSQL cannot use the index.
TSVECTOR_SQL = "to_tsvector('simple'::regconfig, {column})"


#: What ends a stem in a query (``lemma_index.stems``): it matches every lemma it begins.
STEM_MARK = "*"


def _tsquery_term(lemma):
    stem = lemma.removesuffix(STEM_MARK)
    return f"{stem}:*" if stem != lemma else lemma


class LemmaText(models.TextField):
    """A text of distinct lemmas (lower case, ё written е), one space between them and one at
    either end. Carries the ``has_lemmas`` lookup."""


@LemmaText.register_lookup
class HasLemmas(Lookup):
    """``field__has_lemmas=groups``: every group (a tuple of lemmas) has at least one of its
    lemmas in the field — AND over the groups, OR inside a group (the candidate normal forms of
    one query word). The lemmas must be made of letters and digits only (``lemma_index`` makes
    them so): they are put into LIKE patterns and a tsquery as they are. A lemma ending in
    ``STEM_MARK`` is a stem: it matches every lemma that begins with it."""

    lookup_name = "has_lemmas"
    prepare_rhs = False

    def get_prep_lookup(self):
        return tuple(tuple(group) for group in self.rhs)

    def as_sql(self, compiler, connection):
        # Any database: whole words, thanks to the spaces the stored text starts and ends with.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        clauses, params = [], []
        for group in self.rhs:
            words = []
            for lemma in group:
                words.append(f"{lhs} LIKE %s")
                stem = lemma.removesuffix(STEM_MARK)
                pattern = f"% {stem}%" if stem != lemma else f"% {lemma} %"
                params.extend([*lhs_params, pattern])
            clauses.append("(" + " OR ".join(words) + ")")
        return " AND ".join(clauses) or "1 = 1", params

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tsquery = " & ".join(
            "(" + " | ".join(_tsquery_term(lemma) for lemma in group) + ")" for group in self.rhs
        )
        if not tsquery:
            return "TRUE", []
        sql = f"{TSVECTOR_SQL.format(column=lhs)} @@ to_tsquery('simple'::regconfig, %s)"
        return sql, [*lhs_params, tsquery]


class LemmaEntry(models.Model):
    """The distinct lemmas of one live page: of its whole indexed text (``lemmas``) and of its
    title alone (``title_lemmas``, so that the site search can put title hits first). A page
    that is not live has no entry; deleting the page deletes it."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("page"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="lemma_entry",
    )
    lemmas = LemmaText(_("lemmas"))
    title_lemmas = LemmaText(_("lemmas of the title"))

    # Not a use of the page that Wagtail's «Usage» listing should show, nor worth its bookkeeping.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("lemma index entry")
        verbose_name_plural = _("lemma index entries")

    def __str__(self):
        return f"{self.page_id}: {self.title_lemmas.strip()}"
