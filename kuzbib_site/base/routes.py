"""Routes of routable pages (a public form, its thank-you page, a private page behind a token
link) declared in one line each, and the lookup of the record behind a private link.

A page model mixes in a class of routes; each route calls a plain view function of the app's
views module, ``view(request, page, **kwargs)``::

    class ProposalRoutesMixin:
        proposal_form = page_route("propose/", "propose", "events.views.proposal.proposal_form")
        proposal_done = page_route(
            "propose/done/", "proposal_done", "events.views.proposal.proposal_done", methods=GET
        )

The view is named by its dotted path and imported on the first request: views import models,
so a models module cannot import its views at the top. ``reverse_subpage("propose")`` and
Wagtail's ``get_subpage_urls`` work as with ``@path``.

In a view of a private page::

    entry = private_record(Entry.objects.filter(contest=page), token, ends=page.end)
    if entry is None:
        return not_found(request, page, "contests/entry_not_found.html")
"""

from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import path

from .privacy import link_expired, private_response

#: The methods of a page that only shows something (a thank-you page, a calendar, JSON state).
GET = ("GET", "HEAD")
#: The methods of a form or of a private page with its own forms (the default).
FORM = ("GET", "HEAD", "POST")
#: The longest token of a private link; anything longer is cut before it reaches the database.
TOKEN_MAX_LENGTH = 64


def page_route(pattern, name, view, *, methods=FORM):
    """A route of a routable page at ``pattern`` (Django ``path`` syntax, relative to the page,
    e.g. ``"entry/<str:token>/"``) named ``name``, answered by ``view(request, page, **kwargs)``.

    ``view`` is a dotted path (imported on the first call) or a function. Every route is
    wrapped in ``csrf_protect`` — the public forms do not rely on the host site's middleware —
    and answers any method outside ``methods`` with 405 and an ``Allow`` header, before the
    view runs. Assign the result to an attribute of the page class (or of a mixin of it)."""
    methods = tuple(method.upper() for method in methods)
    loaded = []

    def call(request, page, *args, **kwargs):
        if not loaded:
            loaded.append(import_string(view) if isinstance(view, str) else view)
        return loaded[0](request, page, *args, **kwargs)

    protected = csrf_protect(call)

    def route(self, request, *args, **kwargs):
        if request.method not in methods:
            return HttpResponseNotAllowed(methods)
        return protected(request, self, *args, **kwargs)

    route.__name__ = route.__qualname__ = name
    route.__doc__ = f"{pattern} → {view if isinstance(view, str) else view.__qualname__}"
    route.view = view
    route.methods = methods
    return path(pattern, name=name)(route)


def private_record(queryset, token, *, ends, created_field="created_at", now=None):
    """The record of ``queryset`` behind a private link's ``token``, or None when the token is
    empty or unknown, the record erased (``anonymised_at`` set) or the link expired — a
    configurable time after ``ends`` (the event's end), counted from the record's creation
    (``created_field``) when that is later. ``queryset`` carries the page's own filter
    (``Entry.objects.filter(contest=page)``), so a token of another page finds nothing."""
    if not isinstance(token, str) or not token:
        return None
    record = queryset.filter(token=token[:TOKEN_MAX_LENGTH], anonymised_at=None).first()
    if record is None or link_expired(ends, getattr(record, created_field), now=now):
        return None
    return record


def not_found(request, page, template, **context):
    """The 404 of a forged, mistyped, foreign, erased or expired private link: the app's page in
    the site's design that never hints at whose the link was, with a private page's headers."""
    return private_response(
        TemplateResponse(request, template, {"page": page, "self": page, **context}, status=404)
    )


def private_page(request, page, template, context=None, *, has_forms=True):
    """A private page (status, withdrawal, «Удалить мои данные»), with a private page's headers;
    ``has_forms`` as in ``privacy.private_response``."""
    return private_response(
        TemplateResponse(request, template, {"page": page, "self": page, **(context or {})}),
        has_forms=has_forms,
    )
