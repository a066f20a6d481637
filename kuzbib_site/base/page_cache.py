"""The anonymous page cache: public pages served to anonymous visitors from the shared cache
(Redis in production, local memory on the embedded default), purged exactly when what they show
changes.

Almost all of a regional site's traffic is anonymous and comes in bursts (a programme on the
morning of a session, a contest's results day), so a page is rendered once and then answered from
the cache until something it shows changes.

**What is cached.** A GET or HEAD of a Wagtail page or one of its routes (``.ics``, programme,
results…) by a visitor without a session (no ``sessionid``: never a signed-in user, an editor, a
juror, nor anyone with a per-visitor message), answered 200, that set no cookie, used no CSRF token
(a page with a form is never cached), and that the view did not mark private (the private links'
``Cache-Control: no-store``). Search, the sitemap and other non-page views are not cached.

**The key** is everything that changes the page: the host, path and query, the language the
visitor chose and the low-vision settings (both cookies).

**Invalidation.** Each entry carries tags with the version each had when the page began to be
rendered: ``global``, ``page:<id>`` of the page served, ``subtree:<id>`` of each of its ancestors
(whose titles its breadcrumbs show), and the tags its class declares in
``page_cache_tags`` (e.g. the events calendar, which lists contests and festivals from elsewhere in
the tree: ``model:events.calendarentry``). A hit checks the versions in one round trip; a purge
deletes tag versions, so every entry carrying them becomes a miss (``purge_*`` below; the signal
handlers in ``page_cache_purge`` call them after the transaction commits). Versions are read before
rendering: a purge during a render leaves that render's entry stale at once.

**The clock.** A page whose content depends on the time (upcoming or past events, an open contest
stage, a festival taking applications, «Памятные даты») expires at the next boundary: the earliest
future moment any app's ``kuzbib_cache_boundary`` hook reports, or the next local midnight.

Answers carry ``X-Kuzbib-Cache: hit | miss | bypass`` and, when cacheable, ``Cache-Control: public,
max-age=0, s-maxage=N`` for a reverse proxy (N at most ``PROXY_MAX_AGE``, never past the boundary);
README.md says how to put nginx's cache in front.
"""

import datetime
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils import timezone
from wagtail import hooks

from .conf import setting
from .low_vision import LowVision
from .middleware import chosen_language

PREFIX = "kuzbib:page"
HEADER = "X-Kuzbib-Cache"
GLOBAL = "global"
BOUNDARY_KEY = f"{PREFIX}:boundary"
# Longer URLs are not cached: nobody links to them, and a flood of them would only fill the cache.
MAX_URL_LENGTH = 1000
# Headers of the rendered response not kept with the entry: the hit sets its own.
NOT_KEPT = {"set-cookie", "cache-control", "age", HEADER.lower()}
# Vary headers the key accounts for (the cookies the key reads); a response varying on anything
# else is not cached.
KEYED_VARY = {"cookie", "accept-encoding"}
MESSAGES_COOKIE = "messages"


MIDDLEWARE_PATH = "kuzbib_site.base.page_cache.PageCacheMiddleware"


def enabled():
    """On in settings and installed: a site using the plugins without our middleware pays
    nothing for purges."""
    return setting("PAGE_CACHE")["ENABLED"] and MIDDLEWARE_PATH in settings.MIDDLEWARE


def tag_key(tag):
    return f"{PREFIX}:tag:{tag}"


def page_tag(page_id):
    return f"page:{page_id}"


def subtree_tag(page_id):
    """The tag of every page below ``page_id``, which show its title in their breadcrumbs."""
    return f"subtree:{page_id}"


def model_tag(model):
    """The tag of every page listing ``model``'s records (``model:app_label.modelname``)."""
    return f"model:{model._meta.label_lower}"


# --- Serving ------------------------------------------------------------------------------------


def _anonymous_get(request):
    """May this request be answered from the cache? Anonymous (no session cookie, no pending
    messages, no credentials) GETs and HEADs of a URL of reasonable length."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return len(request.get_full_path()) <= MAX_URL_LENGTH


def entry_key(request):
    low_vision = LowVision.from_cookie(request.COOKIES.get(setting("LOW_VISION_COOKIE"), ""))
    parts = (
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        chosen_language(request) or settings.LANGUAGE_CODE,
        low_vision.cookie_value if low_vision else "",
    )
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{PREFIX}:entry:{digest}"


class PageCacheMiddleware:
    """Answers anonymous GETs of pages from the cache and stores the pages it may (see the
    module's docstring). Sits after the session and language middleware; a hit skips every
    middleware and view after it, so the entry keeps the headers they set (CSP, X-Frame-Options,
    Vary, Content-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_get(request):
            return self.get_response(request)
        key = entry_key(request)
        # What the page's ``before_serve_page`` hook learns (plan_page) comes back here.
        request._kuzbib_page_cache = {}
        hit = _fresh_entry(key)
        if hit is not None:
            return _response_from(hit)
        response = self.get_response(request)
        plan = request._kuzbib_page_cache
        if "tags" not in plan:  # not a page: search, the sitemap, a redirect, our own views
            return response
        if _storable(request, response):
            _store(key, plan, response)
        else:
            response[HEADER] = "bypass"
        return response


def plan_page(page, request):
    """Wagtail's ``before_serve_page``: the page about to be served to a visitor whose request
    may be cached. Reads the versions of the entry's tags before the page is rendered, and when
    it expires at the latest."""
    plan = getattr(request, "_kuzbib_page_cache", None)
    if plan is None or getattr(request, "is_preview", False):
        return
    # The page shows its ancestors' titles (breadcrumbs): a change to one of them ends the entry.
    ancestors = page.get_ancestors().filter(depth__gt=1).values_list("pk", flat=True)
    tags = [
        GLOBAL,
        page_tag(page.pk),
        *(subtree_tag(pk) for pk in ancestors),
        *getattr(page, "page_cache_tags", ()),
    ]
    plan["tags"] = _versions(tags)
    plan["expires"] = min(
        time.time() + setting("PAGE_CACHE")["MAX_AGE"], next_boundary().timestamp()
    )


def _versions(tags):
    """The current version of each tag, giving one to those that have none."""
    keys = {tag: tag_key(tag) for tag in tags}
    found = cache.get_many(keys.values())
    missing = [key for key in keys.values() if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found.update(cache.get_many(missing))
    return {tag: found.get(key) for tag, key in keys.items()}


def _fresh_entry(key):
    entry = cache.get(key)
    if entry is None or entry["expires"] <= time.time():
        return None
    keys = {tag_key(tag): version for tag, version in entry["tags"].items()}
    current = cache.get_many(keys.keys())
    if any(current.get(key) != version for key, version in keys.items()):
        return None
    return entry


def _storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page carries a CSRF token
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    return vary <= KEYED_VARY and None not in request._kuzbib_page_cache["tags"].values()


def _store(key, plan, response):
    timeout = int(plan["expires"] - time.time())
    if timeout <= 0:
        response[HEADER] = "bypass"
        return
    headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_KEPT]
    entry = {
        "status": response.status_code,
        "headers": headers,
        "content": response.content,
        "tags": plan["tags"],
        "expires": plan["expires"],
    }
    cache.set(key, entry, timeout=timeout)
    _mark_public(response, plan["expires"])
    response[HEADER] = "miss"


def _response_from(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    _mark_public(response, entry["expires"])
    response[HEADER] = "hit"
    return response


def _mark_public(response, expires):
    """Browsers ask again every time (``max-age=0``); a shared proxy may keep the page until the
    next boundary, at most ``PROXY_MAX_AGE`` seconds (purged earlier if it is configured in
    Wagtail's frontend cache)."""
    proxy = max(0, min(setting("PAGE_CACHE")["PROXY_MAX_AGE"], int(expires - time.time())))
    response["Cache-Control"] = f"public, max-age=0, s-maxage={proxy}"


# --- The clock ----------------------------------------------------------------------------------


def next_boundary(now=None):
    """The next moment a page may change by the clock alone: the earliest future moment the apps'
    ``kuzbib_cache_boundary`` hooks report (each ``hook(now)`` returns a datetime or None), or the
    next local midnight. Kept in the cache until it passes or anything is purged."""
    now = now or timezone.now()
    kept = cache.get(BOUNDARY_KEY)
    if kept is not None and kept > now.timestamp():
        return datetime.datetime.fromtimestamp(kept, tz=datetime.UTC)
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    candidates = [midnight]
    for hook in hooks.get_hooks("kuzbib_cache_boundary"):
        moment = hook(now)
        if moment is not None and moment > now:
            candidates.append(moment)
    boundary = min(candidates)
    seconds = max(1, int((boundary - now).total_seconds()))
    cache.set(BOUNDARY_KEY, boundary.timestamp(), timeout=seconds)
    return boundary


def earliest_after(now, queryset, *fields):
    """The earliest moment after ``now`` among ``fields`` of ``queryset``'s rows, or None: what an
    app's ``kuzbib_cache_boundary`` hook returns, in one query."""
    found = queryset.aggregate(
        **{name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in fields}
    )
    moments = [moment for moment in found.values() if moment is not None]
    return min(moments, default=None)


# --- Purging ------------------------------------------------------------------------------------


def purge_tags(tags):
    """Every entry carrying one of ``tags`` is a miss from now on; so is the kept boundary (what
    changed may have moved it)."""
    cache.delete_many([tag_key(tag) for tag in tags] + [BOUNDARY_KEY])


def purge_all():
    purge_tags([GLOBAL])
