"""The demo site: our home page and directory, «КНИГИНЯ-2009» with thirty processed entries and
the VIII session with its sections, programme and resolution, plus a conference and a contest
open today so that a visitor can try the public forms. ``manage.py load_demo`` runs ``load``.

The demo is our site's, not the domain apps': a site that installs ``events`` and ``contests``
gets none of it. Its content is in ``data/*.toml``; ``documents`` writes the entries' files
(and the benchmark's and the tests'), ``texts`` what they say. Idempotent.
"""

from django.db import transaction

from . import contests, events, site


@transaction.atomic
def load(stdout=None):
    """Build the demo site, or bring it up to date; returns the home page. ``stdout``, when
    given, is told what each part made."""
    home = site.load()
    # The contest first: the resolution's item 5 links to it.
    contest = contests.load(home)
    if stdout is not None:
        stdout.write("Contests: КНИГИНЯ-2009 with 30 processed demo entries.")
    events.load(home, contest)
    if stdout is not None:
        stdout.write("Events: the VIII session, its sections, programme and resolution.")
    return home
