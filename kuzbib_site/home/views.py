"""Our site's own views: the site search page, the health check and robots.txt. The core
(``kuzbib_site.base``) keeps what the apps share: the search helpers, the low-vision switch."""

import datetime
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

from kuzbib_site.base import dates, lemma_index
from kuzbib_site.base.conf import setting
from kuzbib_site.base.kinds import kind_of
from kuzbib_site.base.models import WorkerHeartbeat
from kuzbib_site.base.restrictions import public
from kuzbib_site.base.search import clean_query, highlight


@require_GET
def search(request):
    """Site search over every live, public page of the site through the lemmatised index
    (``kuzbib_site.base.lemma_index``): any Russian word form, the words derived from a query
    word («шахтёр» finds «шахтёрский»), surnames in any case, on PostgreSQL and on the embedded
    SQLite alike; every word must match; pages whose title holds the words first; each result
    with its kind in visitors' words (``kinds.kind_of``), an event's dates, highlighted title
    and excerpt; paginated, in a number of queries that does not grow with the results."""
    query, truncated = clean_query(request.GET.get("q", ""))
    has_words = lemma_index.has_words(query)
    results_page = None
    if query:
        site = Site.find_for_request(request)
        pages = public(Page.objects.live(), request)
        if site:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        # A query of punctuation or prepositions alone asks for nothing: it finds nothing
        # (matching() would hand back every page).
        results = lemma_index.ranked(pages, query) if has_words else pages.none()
        paginator = Paginator(results, setting("SEARCH_RESULTS_PER_PAGE"))
        results_page = paginator.get_page(request.GET.get("page"))
        specific = Page.objects.filter(pk__in=[page.pk for page in results_page]).specific()
        by_pk = {page.pk: page for page in specific}
        results_page.hits = [
            _hit(by_pk[page.pk], query) for page in results_page if page.pk in by_pk
        ]
    return render(
        request,
        "home/search.html",
        {
            "search_query": query,
            "truncated": truncated,
            "has_words": has_words,
            "results": results_page,
            "query_prefix": urlencode({"q": query}) + "&",
        },
    )


def _hit(page, query):
    """One search result: the page, its kind in visitors' words, the dates of an event (a page
    with ``start`` and ``end``), its highlighted title and excerpt."""
    start = getattr(page, "start", None)
    return {
        "page": page,
        "kind": kind_of(page),
        "when": dates.span(start, getattr(page, "end", None))
        if isinstance(start, datetime.date)
        else "",
        "title": highlight(page.title, query),
        "excerpt": highlight(_excerpt_source(page), query, width=300),
    }


def _excerpt_source(page):
    text = page.search_description
    # The page's own excerpt, else what the lemmatised index keeps of it (a hero's biography):
    # the excerpt shows the words that made the page match.
    excerpt = getattr(page, "search_excerpt_text", None) or getattr(page, "lemma_text", None)
    if callable(excerpt):
        text = f"{text} {excerpt()}".strip()
    return text


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database (and Redis, when configured)
    answer, 503 otherwise. Reports when a worker last ran the heartbeat task."""
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        checks["worker_last_seen"] = heartbeat.seen_at.isoformat() if heartbeat else None
    except DatabaseError:
        checks["database"] = "error"
        healthy = False
    if settings.REDIS_URL:
        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
            client.ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            checks["redis"] = "error"
            healthy = False
    else:
        checks["redis"] = "not configured"
    checks["status"] = "ok" if healthy else "error"
    return JsonResponse(checks, status=200 if healthy else 503)


@require_GET
def robots_txt(request):
    return render(request, "home/robots.txt", content_type="text/plain; charset=utf-8")
