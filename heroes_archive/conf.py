"""The heroes archive's settings: one dict, ``KUZBIB_HEROES_ARCHIVE``, whose keys override these
defaults; the app reads every value through ``setting``."""

from django.conf import settings

DEFAULTS = {
    # Heroes per page of the archive's index.
    "PER_PAGE": 30,
    # The years of the timeline chart and of the award-year facet: the title was instituted in
    # 1938 and the first Kuzbass heroes were awarded in 1943; the archive covers 1943–1987.
    "TIMELINE_FIRST_YEAR": 1943,
    "TIMELINE_LAST_YEAR": 1987,
    # The Hero of Socialist Labour title existed from 1938 to 1991: a date outside is a mistake.
    "TITLE_FIRST_YEAR": 1938,
    "TITLE_LAST_YEAR": 1991,
    # An import refuses a spreadsheet with more rows than this, and a file larger than this.
    "IMPORT_MAX_ROWS": 50_000,
    # 64 MB holds 20,000 rows with biographies and sources (about 2.7 KB a row); the file is
    # read whole (CSV) or streamed (XLSX) by a worker.
    "IMPORT_MAX_BYTES": 64 * 1024 * 1024,
    # Several values in one cell (name variants, awards, tags, sources) are separated by this.
    "IMPORT_SEPARATOR": ";",
    # OAI-PMH: records per ListRecords/ListIdentifiers response, and how long a resumption token
    # stays valid (seconds).
    "OAI_BATCH": 100,
    "OAI_TOKEN_SECONDS": 24 * 3600,
    # The repository's name in OAI identifiers (oai:<this>:GST-00042); None: the site's
    # hostname. Set it in production so that identifiers outlive a change of domain.
    "OAI_REPOSITORY_IDENTIFIER": None,
    # Identify's adminEmail; None: the first of ADMINS, else DEFAULT_FROM_EMAIL.
    "OAI_ADMIN_EMAIL": None,
    # The rights statement of every record (dc:rights); None: the archive's default text.
    "OAI_RIGHTS": None,
    # The largest set an export of the filtered list writes.
    "EXPORT_MAX_ROWS": 50_000,
}


def setting(name):
    """The value of ``name``: the site's ``KUZBIB_HEROES_ARCHIVE[name]``, else the default."""
    return getattr(settings, "KUZBIB_HEROES_ARCHIVE", {}).get(name, DEFAULTS[name])
