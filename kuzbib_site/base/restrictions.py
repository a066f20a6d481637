"""Page view restrictions (Wagtail's «Privacy» of a page), read once per request.

Wagtail reads them again each time it asks: its check before serving a page (two queries: the
page's ancestors, then their restrictions), and every ``PageQuerySet.public()`` of a menu, a
block of the home page or the search results (one query each). Here they are read once, on the
first question of a request, and kept on the request: every restriction with its page's path and
groups, and the paths of the aliases of restricted pages (an alias is as private as its source,
as Wagtail's ``Page.get_view_restrictions`` has it).

* ``public(queryset, request)`` — the pages of ``queryset`` outside every private part of the
  site (what ``queryset.public()`` gives);
* ``restrictions_of(page, request)`` — the restrictions that apply to ``page``;
* ``check_view_restrictions`` — the ``on_serve_page`` hook that takes the place of Wagtail's own
  (registered in ``wagtail_hooks.py``): the password form, the login page or the page itself,
  exactly as Wagtail answers, never cached when a restriction applies.

A request's restrictions are those of its start: one request never sees half of an editor's
change, and the next request reads them again.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction

#: The request attribute that keeps the request's restrictions.
REQUEST_ATTRIBUTE = "_kuzbib_view_restrictions"


@dataclass(frozen=True)
class Restricted:
    """A restriction and the paths of the pages it guards with their descendants: its own page
    and the aliases of that page."""

    restriction: PageViewRestriction
    paths: tuple

    def covers(self, path):
        return any(path.startswith(prefix) for prefix in self.paths)


def _read():
    restrictions = list(
        PageViewRestriction.objects.select_related("page")
        .only("id", "restriction_type", "password", "page__id", "page__path")
        .prefetch_related("groups")  # a query only when there are restrictions
        .order_by("page__path", "pk")
    )
    if not restrictions:
        return ()
    aliases = {}
    for source_id, path in Page.objects.filter(
        alias_of_id__in={restriction.page_id for restriction in restrictions}
    ).values_list("alias_of_id", "path"):
        aliases.setdefault(source_id, []).append(path)
    return tuple(
        Restricted(restriction, (restriction.page.path, *aliases.get(restriction.page_id, ())))
        for restriction in restrictions
    )


def restricted(request):
    """Every restriction of the site with the paths it guards, read on the request's first
    question (one query, two more only when there are restrictions: their groups and the
    aliases of their pages). Without a request they are read each time."""
    if request is None:
        return _read()
    found = getattr(request, REQUEST_ATTRIBUTE, None)
    if found is None:
        found = _read()
        setattr(request, REQUEST_ATTRIBUTE, found)
    return found


def private_q(request, path_field="path", within=None):
    """A filter matching the pages in a private part of the site: the restricted pages, their
    aliases and all their descendants (matches nothing when no page is restricted). For rows
    that belong to a page (a calendar entry), ``path_field`` names the page's path through the
    relation: ``"page__path"``. ``within``, the page being served, leaves out the restrictions
    that cover it: its visitor has passed them (a private conference lists its sessions to those
    who may see it)."""
    q = Q()
    for entry in restricted(request):
        if within is not None and entry.covers(within.path):
            continue
        for path in entry.paths:
            q |= Q(**{f"{path_field}__startswith": path})
    return q if q else Q(pk__in=[])


def public(queryset, request, within=None):
    """The pages of ``queryset`` that are in no private part of the site (but those covering
    ``within``, the page being served: see ``private_q``)."""
    return queryset.exclude(private_q(request, within=within))


def restrictions_of(page, request):
    """The restrictions that apply to ``page``: those of the page itself, of its ancestors, and
    of the source of any of them that is an alias."""
    return [entry.restriction for entry in restricted(request) if entry.covers(page.path)]


def _refusal(restriction, page, request):
    """What Wagtail answers a visitor who does not pass ``restriction``: the password form or
    the login page."""
    if restriction.restriction_type == PageViewRestriction.PASSWORD:
        from wagtail.forms import PasswordViewRestrictionForm  # noqa: PLC0415 — as Wagtail does

        form = PasswordViewRestrictionForm(
            instance=restriction, initial={"return_url": request.get_full_path()}
        )
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
        )
        return page.serve_password_required_response(request, form, action_url)
    from wagtail.wagtail_hooks import require_wagtail_login  # noqa: PLC0415

    return require_wagtail_login(next=request.get_full_path())


def check_view_restrictions(callback):
    """Wagtail's ``on_serve_page`` check of the page's restrictions, reading the request's
    restrictions instead of querying them again."""

    def inner(page, request, serve_args, serve_kwargs):
        restrictions = restrictions_of(page, request)
        for restriction in restrictions:
            if not restriction.accept_request(request):
                response = _refusal(restriction, page, request)
                add_never_cache_headers(response)
                return response
        response = callback(page, request, serve_args, serve_kwargs)
        if restrictions:
            add_never_cache_headers(response)
        return response

    return inner


def replace_wagtail_check():
    """Put ``check_view_restrictions`` in the place of Wagtail's own hook, which would query the
    restrictions again for every page served. Wagtail's hooks module is imported first so that
    its hook is registered, whatever the order in which the apps' hooks load."""
    import wagtail.wagtail_hooks as wagtail_core_hooks  # noqa: PLC0415

    registered = hooks._hooks.get("on_serve_page", [])
    registered[:] = [
        (fn, order)
        for fn, order in registered
        if fn is not wagtail_core_hooks.check_view_restrictions
    ]
    hooks.register("on_serve_page", check_view_restrictions)
