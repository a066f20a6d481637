"""The dynasties app's settings: one dict, ``KUZBIB_DYNASTIES``, whose keys override these
defaults; the app reads every value through ``setting``."""

from django.conf import settings

DEFAULTS = {
    # Dynasties per page of the festival's list.
    "PER_PAGE": 24,
    # What an application may hold: members (rows of the form), work periods, photos.
    "MAX_MEMBERS": 60,
    "MAX_PERIODS": 200,
    "MAX_PHOTOS": 10,
    # A photo: bytes uploaded, pixels in its header (refused before decoding: a decompression
    # bomb never reaches the decoder), and the sizes kept after processing.
    "PHOTO_MAX_BYTES": 15 * 1024 * 1024,
    "PHOTO_MAX_PIXELS": 50_000_000,
    "PHOTO_MAX_SIDE": 2000,
    "THUMBNAIL_SIDE": 400,
    # Processing runs that never finished before a photo is refused, and how long a photo may
    # wait before the sweeper sends it again (seconds).
    "PHOTO_MAX_ATTEMPTS": 3,
    "SWEEP_AFTER_SECONDS": 600,
    # One photo's processing in a worker: its time limits (seconds; the soft one refuses the
    # photo, the hard one kills the run) and the memory it may take beyond what the worker had
    # (the address-space ceiling; decoding itself is budgeted at a third of it, leaving room
    # for the upright and scaled copies).
    "PHOTO_SOFT_TIME_LIMIT": 60,
    "PHOTO_TIME_LIMIT": 90,
    "PHOTO_MEMORY_MB": 768,
    # Rejected applications are anonymised (names, contacts, the family's members, photos)
    # this many days after the decision; accepted ones once their dynasty is published and
    # this many days have passed (the family's data then lives on the page, with consent).
    "REJECTED_RETENTION_DAYS": 180,
    "ACCEPTED_RETENTION_DAYS": 365,
    # The earliest year a date of the family may have.
    "FIRST_YEAR": 1800,
}


def setting(name):
    """The value of ``name``: the site's ``KUZBIB_DYNASTIES[name]``, else the default."""
    return getattr(settings, "KUZBIB_DYNASTIES", {}).get(name, DEFAULTS[name])
