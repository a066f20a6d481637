"""What the anonymous page cache (``page_cache``) purges when something changes, and when.

- A page published or unpublished, or a live page saved otherwise: the page, the pages below it
  (their breadcrumbs show its title), its ancestors (its index pages and the home page, which
  list it) and the pages that refer to it (Wagtail's reference index: a featured page, a link in
  rich text), and the tag of its class (``model:app.modelname``) that pages listing such pages
  from elsewhere in the tree carry. The home page and the main menu's pages: everything.
- A page moved or deleted, a view restriction, a site: everything (URLs and visibility change
  across the tree; editors do it rarely).
- Any other record of our apps, Wagtail's images and documents (a library, a person, a resolution
  item, a contest's entry, an image): the pages that refer to it (the reference index, one step
  through a record that is not a page), the pages it belongs to (its foreign keys to pages, e.g.
  an entry's contest) with their ancestors, and its model's tag.

The work is queued and done once when the transaction commits: a purge before the commit would
let a request render the old data again and keep it. Nothing here is needed for correctness
when the cache is off, so it is skipped then.
"""

import threading
from contextlib import contextmanager
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import page_cache

# The home page is the site's root (depth 2, under Wagtail's root); its children make the main
# menu and the footer's list of sections, which every page shows.
MENU_DEPTH = 3
# Records of these apps change what public pages show.
WATCHED_APPS = {
    "base",
    "home",
    "events",
    "contests",
    "dynasties",
    "heroes_archive",
    "periodicals",
    "wagtailimages",
    "wagtaildocs",
}
# Records that never show on a public page and change often.
IGNORED_MODELS = {"base.lemmaentry", "base.workerheartbeat"}
# A save of a live page that only touches these fields (a new draft, a lock) changes nothing a
# visitor sees.
DRAFT_FIELDS = {
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by",
}


class Purge:
    """What one transaction changed, purged when it commits (called by ``on_commit``)."""

    def __init__(self):
        self.all = False
        self.pages = set()  # ids, with the pages the changed records belong to
        self.records = set()  # (base content type id, str(pk))
        self.tags = set()

    def __call__(self):
        if self.all:
            page_cache.purge_all()
            return
        pages = self.pages | _referring_pages(
            {(_page_type().pk, str(pk)) for pk in self.pages} | self.records
        )
        # Index pages list their children with what the children show (a hero's municipality).
        pages |= _ancestors(pages)
        tags = {page_cache.page_tag(pk) for pk in pages}
        tags |= {page_cache.subtree_tag(pk) for pk in self.pages}
        page_cache.purge_tags(self.tags | tags)


_bulk = threading.local()


@contextmanager
def bulk():
    """For work that changes much of the site at once (an import of thousands of heroes, the
    demo): nothing is noted change by change; when it ends, everything is purged (when its
    transaction commits). Until then visitors may get the pages as they were when it began:
    an import's heroes appear together when it ends. Other threads and processes go on noting
    their own changes."""
    _bulk.depth = getattr(_bulk, "depth", 0) + 1
    try:
        yield
    finally:
        _bulk.depth -= 1
        if not _bulk.depth and page_cache.enabled():
            changed_everything()


def _change(note):
    """Let ``note(purge)`` add a change to the pending ``Purge`` of this connection's transaction,
    done when it commits (at once outside a transaction). Every change asks for the flush: the
    first one to run purges everything noted, the others find nothing left. A transaction that
    was rolled back never flushed its notes: the next transaction starts afresh."""
    if getattr(_bulk, "depth", 0) and note is not _everything:
        return
    connection = transaction.get_connection()
    outermost = connection.atomic_blocks[0] if connection.atomic_blocks else None
    pending = getattr(connection, "_kuzbib_page_purge", None)
    if pending is None or pending[0] is not outermost:
        pending = connection._kuzbib_page_purge = (outermost, Purge())
    note(pending[1])
    transaction.on_commit(partial(_flush, connection))


def _flush(connection):
    pending = getattr(connection, "_kuzbib_page_purge", None)
    connection._kuzbib_page_purge = None
    if pending is not None:
        pending[1]()


def _page_type():
    return ContentType.objects.get_for_model(Page)


def _ancestors(page_ids):
    if not page_ids:
        return set()
    paths = Page.objects.filter(pk__in=page_ids).values_list("path", flat=True)
    steps = Page.steplen
    prefixes = {path[:end] for path in paths for end in range(steps, len(path), steps)}
    return set(Page.objects.filter(path__in=prefixes).values_list("pk", flat=True))


def _referring_pages(targets):
    """Pages whose content refers to ``targets`` ((base content type id, str(pk)) pairs): directly,
    or through a record that refers to it and belongs to a page."""
    if not targets:
        return set()
    by_type = {}
    for content_type_id, pk in targets:
        by_type.setdefault(content_type_id, set()).add(pk)
    query = models.Q()
    for content_type_id, pks in by_type.items():
        query |= models.Q(to_content_type_id=content_type_id, to_object_id__in=pks)
    page_type = _page_type().pk
    pages, records = set(), set()
    for base_type, object_id in ReferenceIndex.objects.filter(query).values_list(
        "base_content_type_id", "object_id"
    ):
        if base_type == page_type:
            pages.add(int(object_id))
        else:
            records.add((base_type, object_id))
    return pages | _pages_of_records(records)


def _page_fields(model):
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model and issubclass(field.related_model, Page)
    ]


def _pages_of_records(records):
    """The pages ``records`` belong to through their foreign keys to pages (an entry's contest,
    a registration's conference), one query per model."""
    by_type = {}
    for content_type_id, pk in records:
        by_type.setdefault(content_type_id, set()).add(pk)
    pages = set()
    for content_type_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        fields = _page_fields(model) if model else []
        if not fields:
            continue
        for row in model._base_manager.filter(pk__in=pks).values_list(*fields):
            pages.update(pk for pk in row if pk is not None)
    return pages


# --- What changed -------------------------------------------------------------------------------


def changed_page(page):
    if page.depth <= MENU_DEPTH:  # the home page or one in the main menu, on every page
        changed_everything()
        return

    def note(purge):
        purge.pages.add(page.pk)
        purge.tags.update(page_cache.model_tag(model) for model in _page_classes(page))

    _change(note)


def _page_classes(page):
    return [
        model
        for model in type(page).__mro__
        if isinstance(model, type) and issubclass(model, Page) and not model._meta.abstract
    ]


def _everything(purge):
    purge.all = True


def changed_everything():
    _change(_everything)


def changed_record(instance):
    base = ReferenceIndex._get_base_content_type(instance)
    # A deleted record's foreign keys are read now: the row is gone when the purge runs.
    pages = {getattr(instance, name) for name in _page_fields(type(instance))} - {None}

    def note(purge):
        purge.records.add((base.pk, str(instance.pk)))
        purge.tags.add(page_cache.model_tag(type(instance)))
        purge.pages.update(pages)

    _change(note)


# --- Signal handlers ----------------------------------------------------------------------------


def _watched(sender):
    """Records of our apps, but those a model marks as never shown on a public page
    (``page_cache_ignore = True``: registrations, checked in by the hundred on a session's
    morning)."""
    meta = sender._meta
    return (
        meta.app_label in WATCHED_APPS
        and meta.label_lower not in IGNORED_MODELS
        and not getattr(sender, "page_cache_ignore", False)
    )


def on_publish(sender, instance, **kwargs):
    if page_cache.enabled():
        changed_page(instance)


def on_everything(sender, **kwargs):
    if page_cache.enabled():
        changed_everything()


def on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not page_cache.enabled():
        return
    if isinstance(instance, Page):
        if instance.live and not (update_fields and set(update_fields) <= DRAFT_FIELDS):
            changed_page(instance)
    elif isinstance(instance, (PageViewRestriction, Site)):
        changed_everything()
    elif _watched(sender):
        changed_record(instance)


def on_delete(sender, instance, **kwargs):
    if not page_cache.enabled():
        return
    if isinstance(instance, (Page, PageViewRestriction, Site)):
        changed_everything()
    elif _watched(sender):
        changed_record(instance)


def connect():
    page_published.connect(on_publish, dispatch_uid="kuzbib_page_cache_publish")
    page_unpublished.connect(on_publish, dispatch_uid="kuzbib_page_cache_unpublish")
    post_page_move.connect(on_everything, dispatch_uid="kuzbib_page_cache_move")
    post_save.connect(on_save, dispatch_uid="kuzbib_page_cache_save")
    post_delete.connect(on_delete, dispatch_uid="kuzbib_page_cache_delete")
