"""Small shared rules for personal data (152-FZ) that every app's private pages and forms use:
the headers of a private page, when a private link expires, and the identifier of a consent text.

The retention job itself lives in ``retention``."""

import datetime
import hashlib

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from .conf import setting

#: What an anonymised record's name becomes: stored data in the site's language, not a message.
ERASED_NAME = "Удалено"
#: The stand-in for a required date of birth once erased (documented in the README).
ERASED_BIRTH_DATE = datetime.date(1900, 1, 1)


def erased_email(pk):
    """A unique address that can never be delivered: ``.invalid`` is reserved (RFC 2606)."""
    return f"erased-{pk}@erased.invalid"


def private_response(response, has_forms=False):
    """Mark a response of a private link (a token page, its calendar, its JSON state): never
    cached by a browser or proxy, the token never sent on in a Referer, never indexed.

    A page with its own POST forms (cancel, withdraw, delete my data) gets ``strict-origin``
    instead of ``no-referrer``: under ``no-referrer`` browsers send ``Origin: null`` with the
    page's own form posts, which Django's CSRF check rightly refuses; ``strict-origin`` sends
    only the site's origin, never the path that carries the token."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin" if has_forms else "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def erase_on_request(request, page, erase):
    """«Удалить мои данные» pressed on a private page of ``page``: the first press only asks for
    confirmation (the same page with ``?erase=1``), the confirmed one calls ``erase()`` and says
    that the data is gone — the link itself no longer works."""
    if request.POST.get("confirm") != "yes":
        return HttpResponseRedirect(request.path + "?erase=1#erase")
    erase()
    return private_response(
        TemplateResponse(request, "base/privacy/erased.html", {"page": page, "self": page})
    )


def link_expires_at(event_end, created_at=None):
    """When a private link stops working: a configurable number of days after its event ends.
    The clock starts at the record's creation instead when that is later (a record made after
    its event, e.g. imported or demo data), so no link dies before it has lived that long."""
    days = setting("PRIVATE_LINK_DAYS_AFTER_END")
    start = max(event_end, created_at) if created_at else event_end
    return start + datetime.timedelta(days=days)


def link_expired(event_end, created_at=None, now=None):
    return (now or timezone.now()) > link_expires_at(event_end, created_at)


def consent_version(text):
    """The identifier of a consent text exactly as it was shown (in the language shown): the
    first 16 hex digits of its SHA-256. The texts live in the forms' code and the translation
    catalogue; hashing a candidate text tells whether it is the one a person agreed to."""
    normalised = " ".join(str(text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
