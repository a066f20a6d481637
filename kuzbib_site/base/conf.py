"""The core's settings: one namespaced dict, ``KUZBIB_BASE``, over these defaults.

A site sets only what it changes, e.g. ``KUZBIB_BASE = {"PRIVATE_LINK_DAYS_AFTER_END": 30}``.
A value that is a dict here (``ARCHIVE``, ``RETENTION``, ``THROTTLE``) is merged one level deep:
the site's ``{"RETENTION": {"entry": 730}}`` changes the entries' period and keeps the others. The
core reads every value through ``setting(name)``, never ``settings.KUZBIB_BASE`` directly, at call
time (so that tests may override ``settings.KUZBIB_BASE``).
"""

from django.conf import settings

DEFAULTS = {
    # The search page (our site's): results per page, and the longest query taken (longer ones are
    # cut at a word boundary).
    "SEARCH_RESULTS_PER_PAGE": 10,
    "SEARCH_QUERY_MAX_LENGTH": 200,
    # The cookie that remembers the low-vision version and its settings
    # (kuzbib_site/base/low_vision.py), and the days it is kept.
    "LOW_VISION_COOKIE": "kuzbib_low_vision",
    "LOW_VISION_COOKIE_DAYS": 365,
    # The archive guard (kuzbib_site/base/uploads.py) for every uploaded ZIP-based file (DOCX, PPTX,
    # ODT, XLSX): real bytes inflated, not the sizes the archive declares.
    "ARCHIVE": {
        # Members in one archive, and bytes of its central directory (read before the members).
        "MAX_MEMBERS": 5000,
        "MAX_DIRECTORY_BYTES": 4 * 1024 * 1024,
        # Real bytes all members unpack to together, and at most this many times the archive's
        # size.
        "MAX_UNPACKED_BYTES": 100 * 1024 * 1024,
        "MAX_RATIO": 100,
        # Real bytes of any one XML member (parsers build a tree several times its size).
        "MAX_XML_BYTES": 25 * 1024 * 1024,
    },
    # Personal data (152-FZ, kuzbib_site/base/retention.py): days after its event ends (or after
    # the record was made, if later) that a record keeps its personal data before the daily job
    # anonymises it, per kind of record (the key a retention policy names).
    "RETENTION": {"registration": 90, "proposal": 365, "entry": 365},
    # A private link (registration, proposal, entry) stops working so many days after its event
    # ends (kuzbib_site/base/privacy.py).
    "PRIVATE_LINK_DAYS_AFTER_END": 60,
    # Public forms accept at most so many POSTs per client address ("ip") and per e-mail address
    # ("email") in a fixed window (kuzbib_site/base/throttle.py); counters live in the cache.
    # A form missing from LIMITS, or a limit of 0, is not limited.
    "THROTTLE": {
        "ENABLED": True,
        "WINDOW_SECONDS": 3600,
        # How many proxies of the site append to X-Forwarded-For (nginx in front: 1). 0 trusts
        # only REMOTE_ADDR: right when nothing sits in front, or the proxy sets it.
        "TRUSTED_PROXY_DEPTH": 0,
        # A whole library often shares one address, so the per-address limits are generous.
        "LIMITS": {
            "registration": {"ip": 30, "email": 5},
            "proposal": {"ip": 10, "email": 5},
            "entry": {"ip": 10, "email": 5},
            "dynasty_application": {"ip": 10, "email": 5},
            "password_reset": {"ip": 10, "email": 3},
            # A reader's correction of a periodical's line of text (no e-mail asked).
            "periodical_correction": {"ip": 60},
            # Clips of a periodical's page, each cut from the master image when asked for: the
            # one GET that is counted, being the one whose cost a client chooses.
            "periodical_clip": {"ip": 600},
        },
    },
    # A request whose Content-Length is larger is refused with 413 before its body is read
    # (kuzbib_site.base.middleware.RequestSizeLimitMiddleware, if the site installs it); None: no
    # limit of ours (the web server's client_max_body_size still applies).
    "MAX_REQUEST_BYTES": None,
    # Background builds of every app (kuzbib_site/base/builds.py), in seconds: a queued build not
    # started after STUCK_AFTER is sent again; one being built for longer than RUNNING_TIMEOUT
    # (more than any build task's hard time limit) is queued again; one not finished
    # GIVE_UP_AFTER after it was asked for fails. A build model may set its own.
    "BUILDS": {"STUCK_AFTER": 15 * 60, "RUNNING_TIMEOUT": 2 * 3600, "GIVE_UP_AFTER": 6 * 3600},
    # The anonymous page cache (kuzbib_site/base/page_cache.py; its middleware must be installed):
    # on or off; the longest an entry is kept, in seconds (purges and the clock's boundaries end
    # it sooner); the longest a shared proxy may keep a page (Cache-Control: s-maxage).
    "PAGE_CACHE": {"ENABLED": True, "MAX_AGE": 24 * 3600, "PROXY_MAX_AGE": 60},
}


def setting(name):
    """The value of ``name``: the site's ``KUZBIB_BASE[name]`` if set (a dict merged over the
    default dict), else the default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown core setting: {name}")
    default = DEFAULTS[name]
    value = getattr(settings, "KUZBIB_BASE", {}).get(name, default)
    if isinstance(default, dict) and isinstance(value, dict) and value is not default:
        return {**default, **value}
    return value
