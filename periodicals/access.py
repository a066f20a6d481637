"""Who may read an issue: the one place that decides what a request gets of an ``IssuePage`` —
its description only, or everything (page images and tiles, text, ALTO, downloads, clips, the
IIIF manifest's images and content search). Every view of the archive asks ``issue_access``.

- ``OPEN``: everything, for everyone.
- ``READING_ROOM``: everything when the client's address (the address the throttle sees,
  ``kuzbib_site.base.throttle.client_ip``) is in one of ``READING_ROOM_NETWORKS`` (the member
  libraries' reading rooms), else the description only.
- ``METADATA``: the description only (the issue is still in copyright).

Editors: a signed-in user who may edit the issue in Wagtail's admin gets everything at every
level — they upload and check the scans of in-copyright issues, and must see what readers in a
reading room would. This is the only exception; viewing rights or a plain sign-in are not.

Caching: what a reading-room issue shows depends on the client's address, which the page cache
does not key on, so every answer about such an issue (the page, its routes, its images) is
marked ``never_cache`` (``Access.cacheable`` is False) and the page cache bypasses it. Open and
metadata-only issues show the same to every anonymous visitor and are cached as usual; editors'
requests carry a session and are never cached."""

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.core import checks
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.throttle import client_ip

from .conf import setting


@dataclass(frozen=True)
class Access:
    """What a request gets of an issue: ``full`` (images, text, downloads) or the description
    only, why (``reason``: ``open``, ``reading_room``, ``editor``, ``outside``, ``metadata``),
    and whether the answer may be cached for other visitors (``cacheable``)."""

    full: bool
    reason: str
    cacheable: bool

    @property
    def notice(self):
        """What a reader without full access is told, or ''."""
        if self.reason == "outside":
            return _(
                "This issue can be read in full in the reading rooms of the partnership's "
                "member libraries. Here you see its description."
            )
        if self.reason == "metadata":
            return _(
                "This issue is still in copyright: only its description is shown. Ask a member "
                "library for the printed copy."
            )
        return ""

    def mark(self, response):
        """``response`` with the headers this access needs: an answer that depends on the
        client's address is never cached (not by the page cache, a proxy or the browser)."""
        if not self.cacheable:
            add_never_cache_headers(response)
        return response


def _parse_networks(entries):
    """The networks of ``entries`` and the entries that are not networks."""
    networks, bad = [], []
    for entry in entries or ():
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            bad.append(entry)
    return tuple(networks), bad


@lru_cache(maxsize=8)
def _networks(entries):
    return _parse_networks(entries)[0]


def reading_room_networks():
    """The reading rooms' networks from the setting (bad entries are left out; the system check
    reports them)."""
    entries = setting("READING_ROOM_NETWORKS")
    return _networks(tuple(str(entry) for entry in entries or ()))


def in_reading_room(request):
    """Whether the client's address is in a member library's reading room."""
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in reading_room_networks())


def is_editor(request, issue):
    """A signed-in user who may edit ``issue`` in the admin (no query for anonymous visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return issue.permissions_for_user(user).can_edit()


def issue_access(request, issue):
    """What ``request`` may get of ``issue`` (an ``IssuePage``)."""
    level = issue.access
    if level == issue.Access.OPEN:
        return Access(full=True, reason="open", cacheable=True)
    if is_editor(request, issue):
        return Access(full=True, reason="editor", cacheable=False)
    if level == issue.Access.READING_ROOM:
        if in_reading_room(request):
            return Access(full=True, reason="reading_room", cacheable=False)
        return Access(full=False, reason="outside", cacheable=False)
    return Access(full=False, reason="metadata", cacheable=True)


@checks.register()
def check_reading_room_networks(app_configs=None, **kwargs):
    """``READING_ROOM_NETWORKS`` must be a list of networks (CIDR): a typo would silently lock
    a reading room out, or (``0.0.0.0/0`` aside) be misread."""
    entries = setting("READING_ROOM_NETWORKS")
    if isinstance(entries, str) or not isinstance(entries, list | tuple):
        return [
            checks.Error(
                "KUZBIB_PERIODICALS['READING_ROOM_NETWORKS'] must be a list of networks.",
                hint="E.g. ['192.0.2.0/24', '2001:db8::/48'].",
                id="periodicals.E001",
            )
        ]
    _networks_found, bad = _parse_networks(entries)
    return [
        checks.Error(
            f"KUZBIB_PERIODICALS['READING_ROOM_NETWORKS']: {entry!r} is not a network.",
            hint="Write an address or a network in CIDR notation, e.g. '192.0.2.0/24'.",
            id="periodicals.E002",
        )
        for entry in bad
    ]
