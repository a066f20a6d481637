"""Throttling of public forms (registration, report proposals, contest entries, the admin's
password reset, later dynasty applications): at most so many submissions of one form per client
IP address and per e-mail address in a fixed window (an hour by default).

Counters live in Django's cache (Redis in production, so every web process shares them; local
memory otherwise) and are raised atomically with ``cache.add`` + ``cache.incr``. A route calls
:func:`hit_ip` when a POST arrives (before any validation, so a GET is never counted) and
:func:`hit_email` once the form has cleaned an e-mail address; either returns a
:class:`Refusal` when the limit is passed. :func:`refuse_form` then puts the message on the form
and :func:`throttled` turns the rendered page into a 429 with ``Retry-After``. One GET is
counted too, the periodicals' clip image, whose cost (a crop of a master scan) the client chooses.

Settings: ``KUZBIB_BASE["THROTTLE"]`` — ``ENABLED``, ``WINDOW_SECONDS``, ``TRUSTED_PROXY_DEPTH``
and ``LIMITS`` (per form: ``{"ip": n, "email": n}``; a missing or zero limit is no limit).
"""

import datetime
import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from .conf import setting

logger = logging.getLogger(__name__)

MESSAGE = _(
    "Too many attempts to send this form. Nothing has been saved; please try again after %(time)s."
)


def _config():
    return setting("THROTTLE")


@dataclass(frozen=True)
class Refusal:
    """A submission over its limit: when the window ends, for ``Retry-After`` and the message."""

    form: str
    kind: str  # "ip" or "email"
    retry_after: int  # seconds

    @property
    def until(self):
        """The local time the window ends, «14:05»."""
        end = timezone.localtime(timezone.now() + datetime.timedelta(seconds=self.retry_after))
        return time_format(end, "H:i")

    @property
    def message(self):
        return MESSAGE % {"time": self.until}


def client_ip(request):
    """The client's address. ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_DEPTH`` says how many
    proxies of ours append to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``): then
    the address the outermost of them saw. Entries further left are typed by the client and never
    trusted. Also django-axes' ``AXES_CLIENT_IP_CALLABLE``, so both count the same address."""
    remote = request.META.get("REMOTE_ADDR", "")
    depth = int(_config().get("TRUSTED_PROXY_DEPTH", 0) or 0)
    if depth > 0:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [part for part in chain if part]
        if len(chain) >= depth:
            candidate = chain[-depth]
            try:
                ipaddress.ip_address(candidate)
            except ValueError:
                pass
            else:
                return candidate
    return remote


def _ip_bucket(address):
    """IPv6 clients usually hold a whole /64, so that is what one counter covers."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def normalise_email(email):
    return (email or "").strip().lower()


def _limit(form, kind):
    config = _config()
    if not config.get("ENABLED", True):
        return 0
    return int(config.get("LIMITS", {}).get(form, {}).get(kind, 0) or 0)


def _hit(form, kind, value):
    """Count one attempt; a :class:`Refusal` once the count passes the limit, else None."""
    limit = _limit(form, kind)
    if not limit or not value:
        return None
    window = int(_config().get("WINDOW_SECONDS", 3600))
    now = time.time()
    index = int(now // window)
    # Hashed: the cache holds no e-mail address, and every key is short and ASCII.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"kuzbib:throttle:{form}:{kind}:{digest}:{index}"
    try:
        cache.add(key, 0, timeout=window + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 60)
            count = 1
    except Exception:
        # A cache outage must not take the public forms down: let the submission through.
        logger.warning("Throttle counter unavailable for %s/%s", form, kind, exc_info=True)
        return None
    if count <= limit:
        return None
    retry_after = max(1, math.ceil((index + 1) * window - now))
    return Refusal(form=form, kind=kind, retry_after=retry_after)


def hit_ip(request, form):
    """Count a submission of ``form`` from the request's client address."""
    return _hit(form, "ip", _ip_bucket(client_ip(request)))


def hit_email(form, email):
    """Count a submission of ``form`` for an e-mail address (normalised); nothing for none."""
    return _hit(form, "email", normalise_email(email))


def validate(request, form, name):
    """Validate the POST of the public form ``name`` under its throttle: count the client
    address first (a refused POST costs no validation, e.g. no file checks), then the e-mail
    address once it is valid. Returns ``(valid, refusal)``: a refusal is on the form already,
    with everything typed kept."""
    refusal = hit_ip(request, name)
    if refusal is None:
        valid = form.is_valid()
        refusal = hit_email(name, form.cleaned_data.get("email"))
    if refusal is None:
        return valid, None
    refuse_form(form, refusal)
    return False, refusal


def refuse_form(form, refusal):
    """Show the refusal on the form, keeping what was typed. A form not yet validated stays
    unvalidated (checking the files of a refused entry would be the work throttling saves)."""
    if form._errors is None:
        form._errors = ErrorDict()
        form.cleaned_data = {}
    form.add_error(None, refusal.message)


def throttled(response, refusal):
    """Make a rendered form page the answer to a refused submission."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response
