"""The resolution as a PDF (``ResolutionPage`` route ``pdf/``, served by
``events/views/resolution.py``): title, adoption date, preamble, then the decided and the
recommended items with their numbers, assignees, due dates and statuses, printed through
``kuzbib_site.base.pdf.render_pdf``.

It is rendered once per version of what it prints and then served from the cache (see
``resolution_pdf_key``), so that anonymous GETs — a crawler's too — do not each run WeasyPrint.
"""

import hashlib

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from kuzbib_site.base.pdf import render_pdf

from .models import ResolutionItem

# A cached PDF outlives no template change by more than this; content changes give a new key.
RESOLUTION_PDF_CACHE_SECONDS = 24 * 60 * 60
# Bump when resolution.html or the PDF base template changes, to drop PDFs cached before.
RESOLUTION_PDF_LAYOUT = 2


def resolution_pdf_key(resolution, conference, items):
    """The cache key of a resolution's PDF: a digest of everything the PDF prints — the live
    revisions of the resolution and its conference, the language, and every item as it is now
    (items are snippets edited apart from the page, and have no modification time, so their
    printed fields are hashed: editing, adding or deleting one gives a new key)."""
    parts = [
        RESOLUTION_PDF_LAYOUT,
        translation.get_language(),
        resolution.pk,
        resolution.live_revision_id,
        resolution.last_published_at,
        conference.pk,
        conference.live_revision_id,
        conference.last_published_at,
    ]
    for item in items:
        section = item.assignee_section
        parts.append(
            (
                item.pk,
                item.kind,
                item.number,
                item.text,
                item.assignee_section_id,
                section.title if section else "",
                item.assignee_body,
                item.due_date,
                item.status,
            )
        )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"kuzbib:events:resolution-pdf:{resolution.pk}:{digest}"


def render_resolution_pdf(resolution, conference, items, request):
    """The resolution's PDF bytes (WeasyPrint: slow, hence the cache above)."""
    groups = [
        (_("The conference decides"), [i for i in items if i.kind == ResolutionItem.Kind.DECIDED]),
        (
            _("The conference recommends"),
            [i for i in items if i.kind == ResolutionItem.Kind.RECOMMENDED],
        ),
    ]
    context = {
        "page": resolution,
        "conference": conference,
        "groups": [(heading, group) for heading, group in groups if group],
    }
    return render_pdf("events/pdf/resolution.html", context, request=request)


def resolution_pdf(resolution, request=None):
    """The resolution's conference and its PDF bytes: rendered on the first request after a
    change, then cached (``resolution_pdf_key``)."""
    conference = resolution.get_parent().specific
    items = list(resolution.items.select_related("assignee_section").order_by("kind", "sort_key"))
    key = resolution_pdf_key(resolution, conference, items)
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_resolution_pdf(resolution, conference, items, request)
        cache.set(key, pdf, RESOLUTION_PDF_CACHE_SECONDS)
    return conference, pdf
