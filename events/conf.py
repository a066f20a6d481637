"""The events app's settings: one namespaced dict, ``KUZBIB_EVENTS``, over these defaults.

A host site sets only what it changes, e.g. ``KUZBIB_EVENTS = {"UID_DOMAIN": "library.example"}``;
the app reads every value through ``setting(name)``, never ``settings.KUZBIB_EVENTS`` directly.
"""

from django.conf import settings

DEFAULTS = {
    # The region's zone; every event time is shown and exported in it (Kemerovo: UTC+7).
    "TIME_ZONE": "Asia/Novokuznetsk",
    # The domain part of iCalendar UIDs and Frab GUIDs: stable, so that calendars update an event
    # rather than duplicate it.
    "UID_DOMAIN": "kuzbib.ru",
    # Report proposals' files: the kinds read from the content, and the size limit.
    "PROPOSAL_FILE_KINDS": ["pdf", "docx", "odt"],
    "PROPOSAL_FILE_MAX_BYTES": 10 * 1024 * 1024,
}


def setting(name):
    """The value of ``name``: the site's ``KUZBIB_EVENTS[name]`` if set, else the default. Read at
    call time, so that tests may override ``settings.KUZBIB_EVENTS``."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown events setting: {name}")
    return getattr(settings, "KUZBIB_EVENTS", {}).get(name, DEFAULTS[name])
