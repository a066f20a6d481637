"""The demo site: our home page and directory, «КНИГИНЯ-2009» with thirty processed entries,
judged by a jury of five with its results, diplomas and winners' collection published, and
the VIII session with its sections, programme and resolution, the heroes archive its
recommendation 3.3 asks for (fictional heroes, marked as such), the festival of library
dynasties of its recommendation 4 (fictional families; applications open), the archive of
local periodicals (two fictional titles, pages drawn with their text), plus a conference
and a contest open today so that a visitor can try the public forms, and a contest being judged
today so that they can try the jury room. ``manage.py load_demo`` runs ``load``.

The demo is our site's, not the domain apps': a site that installs ``events`` and ``contests``
gets none of it. Its content is in ``data/*.toml``; ``documents`` writes the entries' files
(and the benchmark's and the tests'), ``texts`` what they say. Idempotent.
"""

from django.db import transaction

from kuzbib_site.base import lemma_index, page_cache_purge

from . import contests, dynasties, events, heroes, jury, periodicals, references, site


@transaction.atomic
def load(stdout=None, manager=None, jury_password="", hostname="127.0.0.1", port=8000):
    """Build the demo site, or bring it up to date; returns the home page. ``stdout``, when
    given, is told what each part made; ``manager`` (the admin) is who accepted the entries'
    «may reveal the author» flags; the demo jurors sign in with ``jury_password``; the site
    is served at ``hostname`` and ``port`` (the links in its e-mails)."""
    # Wagtail would index a page's references at each of its many saves: once at the end; the
    # page cache is purged once too.
    with references.indexed_once(), page_cache_purge.bulk():
        home = site.load(hostname=hostname, port=port)
        # The contest first: the resolution's item 5 links to it.
        contest = contests.load(home)
        if stdout is not None:
            stdout.write("Contests: КНИГИНЯ-2009 with 30 processed demo entries.")
        if jury_password:
            users = jury.jurors(jury_password)
            jury.load_2009(contest, jury.seat(contest, users), manager)
            today = jury.contest(jury.TODAY_SLUG)
            jury.load_today(today, jury.seat(today, users), manager)
            if stdout is not None:
                stdout.write(
                    "Jury: КНИГИНЯ-2009 judged, results, diplomas and the winners' collection "
                    "published; the demo jury contest is being judged now."
                )
        events.load(home, contest)
        if stdout is not None:
            stdout.write("Events: the VIII session, its sections, programme and resolution.")
        # After the resolution: its recommendation 3.3 links to the archive.
        heroes.load(home)
        if stdout is not None:
            stdout.write(f"Heroes archive: {heroes.COUNT} fictional demo heroes.")
        # After the resolution too: its recommendation 4 links to the festivals.
        dynasties.load(home)
        if stdout is not None:
            stdout.write(
                f"Dynasties: the festival with {len(dynasties.DATA['dynasty'])} fictional demo "
                "dynasties, applications open; the 2009 festival's awards."
            )
        # The periodicals archive: two invented titles, their pages drawn and their holdings.
        _archive, drawn = periodicals.load(home)
        if stdout is not None:
            stdout.write(
                "Periodicals: «Знамя шахтёра» (1957–1958, 1961) and «Кузнецкій край» (1912), "
                f"{drawn} page images drawn, holdings and readers' corrections."
            )
        # The lemmatised search index of every demo page, whatever path saved it.
        indexed = lemma_index.rebuild()
        if stdout is not None:
            stdout.write(f"Search: {indexed} pages in the lemmatised index.")
    return home
