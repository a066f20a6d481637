"""The contests app's settings: one dict, ``KUZBIB_CONTESTS``, whose keys override these
defaults. A site sets only what it changes, e.g. ``KUZBIB_CONTESTS = {"MIN_AGE": 16}``; the app
reads every value through ``setting``."""

from django.conf import settings

DEFAULTS = {
    # Participants younger than this on the submission date are refused; those under 18 enter
    # with a parent's or guardian's consent.
    "MIN_AGE": 14,
    # An entry file's processing is stopped after the soft limit (the entry then needs
    # attention) and its worker process killed after the hard one, so that a hostile file cannot
    # hang a worker; a run that dies is retried at most this many times in all.
    "PROCESSING_SOFT_TIME_LIMIT": 120,
    "PROCESSING_TIME_LIMIT": 150,
    "PROCESSING_MAX_ATTEMPTS": 3,
    # The sweeper re-sends entries still waiting after this many seconds (a broker outage).
    "SWEEP_AFTER_SECONDS": 120,
    # Estimated Jaccard similarity of 5-word shingles above which two texts are flagged.
    "NEAR_DUPLICATE_THRESHOLD": 0.5,
    # Texts shorter than this are not compared (too little to tell copying from chance).
    "NEAR_DUPLICATE_MIN_WORDS": 50,
    # What is kept of a file: at most this much extracted text, previews this wide.
    "TEXT_MAX_CHARS": 1_000_000,
    "PREVIEW_WIDTH": 800,
    # Only the top of a taller first page is drawn (a PDF page may be 100,000 points tall).
    "PREVIEW_MAX_HEIGHT": 1600,
    # Images with more pixels than this are refused before decoding (decompression bombs).
    "IMAGE_MAX_PIXELS": 60_000_000,
    # Address space (MB) a file task may take beyond what its worker process had when the task
    # began (resource.setrlimit(RLIMIT_AS), real workers only): past it a file's processing
    # fails with MemoryError and the entry needs attention, instead of the machine swapping.
    # 0: no limit.
    "PROCESSING_MEMORY_MB": 1024,
    # ZIPs of all entries (every participant's files) are deleted by the sweeper this many days
    # after they were asked for.
    "ARCHIVE_KEEP_DAYS": 7,
    # Jurors with score sheets outstanding are reminded by e-mail so many days before the end
    # of judging (``ContestPage.judging_deadline``), once per window (contests/reminders.py).
    "JURY_REMINDER_DAYS": [3, 1],
    # The sweeper sends again a jury invitation not sent within SWEEP_AFTER_SECONDS (a broker
    # outage) for so many days after the member was added; later, «Invite again» in the admin.
    "JURY_INVITATION_SWEEP_DAYS": 7,
    # The winners' collection (contests/collection.py): at most so many pages of a winning
    # work's PDF files are bound in, at most so many characters of a document's text are set
    # (about 40 pages), and images are scaled down to at most so many pixels a side — a
    # 400-page attachment or a huge scan must not make the booklet unprintable.
    "COLLECTION_MAX_PAGES_PER_WORK": 40,
    "COLLECTION_MAX_CHARS_PER_WORK": 80_000,
    "COLLECTION_IMAGE_MAX_SIDE": 1600,
    # The jury protocol prints at most so many lines of the audit log (the newest are left out
    # with a note); the complete log is in the chair's score matrix export.
    "PROTOCOL_MAX_AUDIT_ROWS": 3000,
}


def setting(name):
    """The value of ``name``: the site's ``KUZBIB_CONTESTS[name]``, else the default."""
    return getattr(settings, "KUZBIB_CONTESTS", {}).get(name, DEFAULTS[name])
