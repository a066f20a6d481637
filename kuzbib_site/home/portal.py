"""What the home page shows, block by block, as a regional library portal lays it out: the pages
the editors feature, the upcoming events, the contests under way with the stage each is at, the
partnership's standing sections and its archives.

Our site knows the plugins it installs: in docs/architecture.md our site uses the plugins and the
plugins never use our site, so the home page reads their pages here instead of asking for them
through hooks (a hook is how a part reaches against the arrows, as ``events`` asks ``contests``
for its calendar kinds). What is the plugins' own stays theirs — what an event is
(``CalendarEntry``), what a contest's stages and judging are; this module picks and arranges.

Each block is read in a fixed number of queries, whatever the number of events, sessions,
contests or pages: the cards' pages in one query per page type, the sessions of every conference
counted in one grouped query, the cover images with their renditions in two for the whole page.
A page is shown once: a block leaves out what an earlier block shows (a featured conference is not
repeated among the events, an upcoming festival not among the archives), and a conference's
sessions fold into the conference's card («и ещё 3 заседания»).
"""

import html
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from wagtail.images import get_image_model
from wagtail.models import Page

from contests.models import ContestIndexPage, ContestPage, Stage
from dynasties.models import DynastyPage, FestivalPage
from events.models import (
    EVENT_TIMEZONE,
    CalendarEntry,
    ConferencePage,
    EventIndexPage,
    SectionIndexPage,
    SectionPage,
    SectionSessionPage,
)
from heroes_archive.models import HeroIndexPage, HeroPage
from kuzbib_site.base import dates
from kuzbib_site.base.kinds import kind_of
from kuzbib_site.base.restrictions import public
from periodicals.models import PeriodicalsIndexPage, TitlePage

#: How many cards each block shows at most (a row or two of the cards' grid); its «all …» link
#: leads to the rest.
EVENTS_SHOWN = 6
CONTESTS_SHOWN = 4
SECTIONS_SHOWN = 12
ARCHIVES_SHOWN = 4
#: The rendition the shared card asks for (base/includes/card.html), read with the images.
CARD_RENDITION = "fill-640x360"
#: Words of a page's introduction that a card shows when the page has no search description.
SUMMARY_WORDS = 24


@dataclass
class Card:
    """What the home page passes to ``base/includes/card.html`` for one page."""

    page: Any
    url: str
    title: str
    kind: str
    date: Any = None
    date_end: Any = None
    image_id: int | None = None
    image: Any = None
    text: str = ""
    meta: str = ""
    more: str = ""


@dataclass
class Block:
    """A block of the home page: its cards and the index page its «all …» link leads to."""

    cards: list
    index: Any = None


def compose(home, request, featured_ids):
    """Every block of ``home`` for this request, in the order the page shows them;
    ``featured_ids`` are the editors' featured pages in their order."""
    now = timezone.now()
    # Pages in a private part of the site stay off the home page; the restrictions are the
    # request's, read once for the whole page (menus and Wagtail's check included).
    pages = public(Page.objects.live(), request).descendant_of(home)
    indexes = _indexes(home, pages)
    seen = set()
    blocks = {}
    for name, read in (
        ("featured", lambda: _featured(request, pages, featured_ids)),
        ("events", lambda: _events(request, pages, now, seen)),
        ("contests", lambda: _contests(request, pages, now, seen)),
        ("sections", lambda: _sections(request, pages, seen)),
        ("archives", lambda: _archives(request, pages, seen)),
    ):
        cards = read()
        seen.update(card.page.pk for card in cards)
        blocks[name] = Block(cards, indexes.get(name))
    _attach_images([card for block in blocks.values() for card in block.cards])
    # Events' dates are the region's, as their own pages show them.
    return {**blocks, "event_zone": EVENT_TIMEZONE}


def _indexes(home, pages):
    """The index pages the blocks' «all …» links lead to: the events calendar, the contests and
    the sections under ``home``, by block name (one query)."""
    wanted = {EventIndexPage: "events", ContestIndexPage: "contests", SectionIndexPage: "sections"}
    found = {}
    for page in pages.child_of(home).type(*wanted).order_by("path"):
        found.setdefault(wanted[page.specific_class], page)
    return found


def _card(page, request, **fields):
    return Card(
        page=page,
        url=page.get_url(request),
        title=page.title,
        kind=kind_of(page),
        image_id=getattr(page, "cover_image_id", None),
        text=summary(page),
        **fields,
    )


def summary(page):
    """A card's text: the page's search description, else the start of its introduction."""
    text = page.search_description or getattr(page, "intro", "") or ""
    text = html.unescape(strip_tags(text)).strip()
    return Truncator(" ".join(text.split())).words(SUMMARY_WORDS)


def _in_order(queryset, ids):
    """The specific pages of ``queryset`` with these ids, in the order of ``ids``: one query for
    the pages and one per page type."""
    by_pk = {page.pk: page for page in queryset.filter(pk__in=ids).specific()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _featured(request, pages, featured_ids):
    return [_card(page, request) for page in _in_order(pages, featured_ids)]


def parent_path(path):
    """The path of the parent of the page whose path is ``path`` (an expression)."""
    return Substr(path, 1, Length(path) - Page.steplen)


def _events(request, pages, now, seen):
    """Upcoming events (those still going on among them), soonest first, one card each. An
    event inside another upcoming event — a conference's section session — folds into that
    event's card; a conference's card counts its sessions. Contests have their own block."""
    upcoming = CalendarEntry.objects.filter(end__gte=now, page__in=pages)
    inside_another = upcoming.filter(page__path=parent_path(OuterRef("page__path")))
    rows = (
        upcoming.exclude(kind=ContestPage.event_kind)
        .exclude(page_id__in=seen)
        .exclude(Exists(inside_another))
        .values("page_id")
        .annotate(first=Min("start"))
        .order_by("first", "page_id")[:EVENTS_SHOWN]
    )
    events = _in_order(pages, [row["page_id"] for row in rows])
    sessions = session_counts([page for page in events if isinstance(page, ConferencePage)])
    cards = []
    for event in events:
        count = sessions.get(event.path, 0)
        more = ngettext("and %(count)s more session", "and %(count)s more sessions", count) % {
            "count": count
        }
        cards.append(
            _card(event, request, date=event.start, date_end=event.end, more=more if count else "")
        )
    return cards


def session_counts(conferences):
    """The number of live section sessions of each conference, by the conference's path: the
    sessions its programme lists (``ConferencePage.sessions``), in one query for all."""
    if not conferences:
        return {}
    rows = (
        SectionSessionPage.objects.live()
        .annotate(parent=parent_path(F("path")))
        .filter(parent__in=[conference.path for conference in conferences])
        .order_by()  # pages are ordered by path, which would split the groups
        .values("parent")
        .annotate(count=Count("pk"))
    )
    return {row["parent"]: row["count"] for row in rows}


def _contests(request, pages, now, seen):
    """Contests not yet over, earliest first, each with the stage it is at."""
    contests = (
        ContestPage.objects.filter(pk__in=pages.type(ContestPage).values("pk"), end__gte=now)
        .exclude(pk__in=seen)
        .select_related("judging")
        .prefetch_related("stages")
        .order_by("start", "pk")[:CONTESTS_SHOWN]
    )
    cards = []
    for contest in contests:
        label, detail, tone = contest_stage(contest, now)
        # The stage as the design system's status badge and its dates, on the card's meta line.
        meta = format_html('<span class="badge badge--{}">{}</span> {}', tone, label, detail)
        cards.append(_card(contest, request, meta=meta if label else ""))
    return cards


def contest_stage(contest, now):
    """Where ``contest`` stands for a visitor: a short label for its status badge, a detail
    after it and the badge's tone. Results published; entries accepted (until the stage's last
    day); the results being summed up (the chair closed judging); the jury at work; another
    stage running; the next stage (from its first day); or ("", "", "") when the contest has no
    stages. Reads the contest's prefetched stages and its judging (``select_related``)."""
    judging = getattr(contest, "judging", None)
    if judging is not None and judging.is_published:
        return gettext("Results published"), "", "success"
    stages = list(contest.stages.all())
    running = [s for s in stages if s.start <= now and (s.end is None or now <= s.end)]
    entries = next((s for s in running if s.kind == Stage.Kind.SUBMISSIONS), None)
    if entries is not None:
        return gettext("Accepting entries"), _until(entries), "success"
    if judging is not None and judging.state == judging.State.CLOSED:
        return gettext("Results being summed up"), "", "warning"
    jury = next((s for s in running if s.kind == Stage.Kind.JUDGING), None)
    if jury is not None or (judging is not None and judging.is_open):
        return gettext("The jury at work"), _until(jury), "warning"
    if running:
        return running[0].title, _until(running[0]), "muted"
    upcoming = sorted((s for s in stages if s.start > now), key=lambda s: s.start)
    if not upcoming:
        return "", "", ""
    detail = gettext("from %(date)s") % {"date": dates.day(upcoming[0].start)}
    return upcoming[0].title, detail, "muted"


def _until(stage):
    if stage is None or stage.end is None:
        return ""
    return gettext("until %(date)s") % {"date": dates.day(stage.end)}


def _sections(request, pages, seen):
    """The partnership's standing sections (active ones), as the sections index orders them,
    with their leaders."""
    sections = (
        SectionPage.objects.filter(pk__in=pages.type(SectionPage).values("pk"))
        .filter(status=SectionPage.Status.ACTIVE)
        .exclude(pk__in=seen)
        .select_related("leader")
        .order_by("path")[:SECTIONS_SHOWN]
    )
    return [
        _card(section, request, meta=section.leader.full_name if section.leader else "")
        for section in sections
    ]


def _archives(request, pages, seen):
    """The partnership's archives: the heroes archive, the periodicals archive and the festivals
    of library dynasties (the latest first), each with the number of records it holds."""
    heroes = HeroIndexPage.objects.filter(pk__in=pages.type(HeroIndexPage).values("pk"))
    periodicals = PeriodicalsIndexPage.objects.filter(
        pk__in=pages.type(PeriodicalsIndexPage).values("pk")
    )
    festivals = FestivalPage.objects.filter(pk__in=pages.type(FestivalPage).values("pk"))
    archives = [
        *heroes.exclude(pk__in=seen).order_by("path")[:ARCHIVES_SHOWN],
        *periodicals.exclude(pk__in=seen).order_by("path")[:ARCHIVES_SHOWN],
        *festivals.exclude(pk__in=seen).order_by("-start", "pk")[:ARCHIVES_SHOWN],
    ][:ARCHIVES_SHOWN]
    counts = _live_children(pages, archives, (HeroPage, TitlePage, DynastyPage))
    cards = []
    for page in archives:
        count, meta = counts.get(page.path, 0), ""
        if isinstance(page, HeroIndexPage):
            if count:
                meta = ngettext("%(count)s hero", "%(count)s heroes", count) % {"count": count}
            cards.append(_card(page, request, meta=meta))
        elif isinstance(page, PeriodicalsIndexPage):
            if count:
                meta = ngettext("%(count)s periodical", "%(count)s periodicals", count) % {
                    "count": count
                }
            cards.append(_card(page, request, meta=meta))
        else:
            if count:
                meta = ngettext("%(count)s dynasty", "%(count)s dynasties", count) % {
                    "count": count
                }
            cards.append(_card(page, request, date=page.start, date_end=page.end, meta=meta))
    return cards


def _live_children(pages, parents, types):
    """How many live, public pages of ``types`` each of ``parents`` has, by the parent's path
    (one query)."""
    if not parents:
        return {}
    rows = (
        pages.type(*types)
        .annotate(parent=parent_path(F("path")))
        .filter(parent__in=[parent.path for parent in parents])
        .order_by()  # pages are ordered by path, which would split the groups
        .values("parent")
        .annotate(count=Count("pk"))
    )
    return {row["parent"]: row["count"] for row in rows}


def _attach_images(cards):
    """The cover images of the cards with the card's rendition, read in two queries for the
    whole page (a page's ``cover_image`` would take one per card, its rendition another)."""
    ids = {card.image_id for card in cards if card.image_id}
    if not ids:
        return
    images = get_image_model().objects.filter(pk__in=ids).prefetch_renditions(CARD_RENDITION)
    by_pk = {image.pk: image for image in images}
    for card in cards:
        card.image = by_pk.get(card.image_id)
