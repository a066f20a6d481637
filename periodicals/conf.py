"""The periodicals archive's settings: one dict, ``KUZBIB_PERIODICALS``, whose keys override these
defaults; the app reads every value through ``setting``."""

from django.conf import settings

DEFAULTS = {
    # Reading-room-only issues are shown in full to these networks (CIDR, IPv4 or IPv6): the
    # member libraries' reading rooms. The client's address is the one the public forms'
    # throttle sees (``KUZBIB_BASE["THROTTLE"]["TRUSTED_PROXY_DEPTH"]``).
    "READING_ROOM_NETWORKS": [],
    # An uploaded issue: the largest file, the most pages, the most pixels of one page (checked
    # from the header before a page is decoded).
    "UPLOAD_MAX_BYTES": 512 * 1024 * 1024,
    "MAX_PAGES": 400,
    "MAX_PAGE_PIXELS": 120_000_000,
    # OCR: tesseract's languages, and the limits of one page's run (seconds, megabytes).
    "OCR_LANGUAGES": "rus+eng",
    "OCR_SECONDS": 300,
    "OCR_MEGABYTES": 1024,
    # IIIF level-0 tiles: tile edge and the widths of the whole-page images written under
    # ``full/`` (what viewers ask for: thumbnails of the page strip, a reading size).
    "TILE_SIZE": 512,
    "FULL_WIDTHS": [150, 300, 800, 1600],
    # Issues per page of a title's list, hits per page of the search.
    "PER_PAGE": 50,
    # Corrections suggested by readers: the longest line, and the throttle (per hour).
    "CORRECTION_MAX_CHARS": 500,
    # Holdings imports: the largest file.
    "HOLDINGS_MAX_BYTES": 32 * 1024 * 1024,
    # --- Ingest (periodicals/ingest.py) ---
    # A PDF's pages are rendered at this resolution (dots per inch) for tiles and OCR.
    "PDF_DPI": 300,
    # The tesseract program (a path or a name on PATH).
    "TESSERACT": "tesseract",
    # Splitting an upload into pages (seconds, megabytes beyond what the worker had), and one
    # page's tiles (seconds; OCR has ``OCR_SECONDS`` on top).
    "SPLIT_SECONDS": 1800,
    "SPLIT_MEGABYTES": 1024,
    "TILE_SECONDS": 120,
    # Runs of a split or of a page that may die (a killed worker) before it is given up, and
    # how long an upload or page waits for its task before the sweeper sends it again.
    "MAX_ATTEMPTS": 3,
    "SWEEP_AFTER_SECONDS": 300,
    # -- OAI-PMH for the titles (periodicals.oai; as the heroes archive's) --
    # Records per ListRecords/ListIdentifiers response, and how long a resumption token lasts.
    "OAI_BATCH": 100,
    "OAI_TOKEN_SECONDS": 24 * 3600,
    # The repository's name in OAI identifiers (oai:<this>:periodical-7); None: the hostname.
    "OAI_REPOSITORY_IDENTIFIER": None,
    # Who answers for the repository; None: the site's ADMINS, else DEFAULT_FROM_EMAIL.
    "OAI_ADMIN_EMAIL": None,
    # dc:rights of every record; None: a sentence of ours.
    "OAI_RIGHTS": None,
}


def setting(name):
    """The value of ``name``: the site's ``KUZBIB_PERIODICALS[name]``, else the default."""
    return getattr(settings, "KUZBIB_PERIODICALS", {}).get(name, DEFAULTS[name])
