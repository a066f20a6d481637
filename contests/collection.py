"""«Сборник конкурсных работ победителей»: the winners' works of a contest bound in one PDF —
a cover, the contents (nomination, place, author, library, title, page), then each winning work
(places 1–3 and special prizes): a title page with its author and library, then the work
itself. Offered on the contest page once the results are published (item 6.1 of the 2008
resolution).

How each file of a work goes in:

- PDF — its pages as they are (pypdf), at most ``COLLECTION_MAX_PAGES_PER_WORK`` of them per
  work, pages larger than A4 scaled down to fit, their annotations and page actions (links,
  scripts) dropped;
- DOCX, PPTX, ODT — the text the processing pipeline extracted, set in the booklet's type (at
  most ``COLLECTION_MAX_CHARS_PER_WORK`` characters per work);
- JPEG, PNG — the picture, scaled down to ``COLLECTION_IMAGE_MAX_SIDE`` pixels a side and
  re-encoded (no metadata goes along).

A file that cannot be read — broken, encrypted, hostile, erased — gets the note «файл не
удалось включить» in its place and the booklet goes on.

The booklet is one WeasyPrint document in which each page of a PDF work is an empty page of its
own (a «slot»); WeasyPrint lays out and numbers every page, so the contents' page numbers are
those of the finished booklet, and the slots are then replaced by the works' pages.

Built in the background (``WinnersCollection``, the ``kuzbib.contests.build_winners_collection``
task on the ``pdf`` queue): ``request(contest, user)`` once the results are published,
``build(collection_id)`` in the task; ``published(contest)`` is the ready booklet the public
route serves."""

import base64
import functools
import io
import logging
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from kuzbib_site.base import builds, images
from kuzbib_site.base.pdf import pdf_url_fetcher
from kuzbib_site.base.uploads import address_space_limit, spooled

from .conf import setting
from .diplomas import Refused, award, results_published
from .domain import in_site_language
from .models import ContestPage, Entry, EntryFile, Result, WinnersCollection

logger = logging.getLogger(__name__)

TEMPLATE = "contests/pdf/collection.html"
#: A4 in PDF points: larger pages of a work are scaled down to fit it.
A4 = (595.28, 841.89)
TEXT_KINDS = frozenset({"docx", "pptx", "odt"})
IMAGE_KINDS = frozenset({"jpeg", "png"})


def request(contest, user):
    """A new queued collection with its task sent on commit (or the one asked for moments ago,
    still queued). Raises ``Refused`` before the results are published."""
    if not results_published(contest):
        raise Refused(_("The winners' collection is compiled once the results are published."))
    return builds.request(WinnersCollection, contest=contest, requested_by=user)


def build(collection_id, memory=None):
    """The task's work (``builds.run``); an OSError (storage away) queues it again. ``memory``:
    see ``file_part``."""
    work = functools.partial(write, memory=memory)
    return builds.run(collection_id, WinnersCollection, work, retry_on=(OSError,))


def published(contest):
    """The newest ready collection of ``contest`` with its file, once its results are
    published; else None."""
    return newest_ready(contest) if results_published(contest) else None


def newest_ready(contest):
    return (
        WinnersCollection.objects.filter(contest=contest, status=WinnersCollection.Status.READY)
        .exclude(file="")
        .order_by("-finished_at", "-pk")
        .first()
    )


def file_name(contest):
    return f"{contest.file_stem}-collection.pdf"


# --- The works -------------------------------------------------------------------------------


@dataclass
class Part:
    """What one file of a work becomes: ``text``, an ``image`` (a data: URL), ``pages`` of a
    PDF (its cleaned bytes and how many), or only a ``note``."""

    name: str
    text: str = ""
    image: str = ""
    pdf: bytes = b""
    pages: int = 0
    note: str = ""

    @property
    def page_indexes(self):
        return range(self.pages)


@dataclass
class Work:
    result: Result
    entry: Entry
    parts: list[Part] = field(default_factory=list)

    @property
    def award(self):
        return award(self.result)


def winners(contest):
    """The winning results of ``contest`` (places 1–3 and special prizes) of entries still in
    the contest, by nomination, place, then number, with their entries and files."""
    return list(
        Result.objects.filter(contest=contest, entry__status=Entry.Status.READY)
        .filter(Q(place__lte=3) | ~Q(special_prize=""))
        .select_related("entry__library", "entry__contest", "nomination")
        .prefetch_related(
            Prefetch(
                "entry__files",
                queryset=EntryFile.objects.defer("blind_text").order_by("pk"),
            )
        )
        .order_by(
            "nomination__sort_order",
            "nomination_id",
            F("place").asc(nulls_last=True),
            "entry__number",
        )
    )


def not_included(name):
    return Part(name=name, note=_("The file «%(name)s» could not be included.") % {"name": name})


def _read(stored):
    with stored.file.open("rb") as handle:
        return handle.read()


def pdf_part(name, data, pages_left):
    """The first ``pages_left`` pages of a PDF, cleaned: a new PDF with only those pages,
    scaled down to A4 when larger, without annotations or page actions."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return not_included(name)
    total = len(reader.pages)
    count = min(total, pages_left)
    writer = PdfWriter()
    for index in range(count):
        page = writer.add_page(reader.pages[index])
        for key in ("/Annots", "/AA"):
            page.pop(NameObject(key), None)
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        # A landscape page fits A4 turned sideways.
        box_width, box_height = A4 if height >= width else (A4[1], A4[0])
        factor = min(box_width / width, box_height / height, 1.0)
        if factor < 1:
            page.scale_by(factor)
    out = io.BytesIO()
    writer.write(out)
    note = ""
    if count < total:
        note = _("Only the first %(count)s pages of «%(name)s» are included.") % {
            "count": count,
            "name": name,
        }
    return Part(name=name, pdf=out.getvalue(), pages=count, note=note)


def image_part(name, data, memory=None):
    """The picture scaled down and re-encoded as a data: URL (the core's guarded thumbnail);
    refused before decoding when it has more pixels than processing allows, or when decoding it
    would take more than the ``memory`` budget (a byte per band per pixel, after a JPEG's draft
    shrink): the address space limit around it is only the backstop, since a process that freed
    memory before may decode into it without growing."""
    try:
        picture = images.thumbnail(
            data,
            side=setting("COLLECTION_IMAGE_MAX_SIDE"),
            max_pixels=setting("IMAGE_MAX_PIXELS"),
            name=name,
            quality=85,
            memory=memory,
        )
    except images.ImageRefused:
        return not_included(name)
    encoded = base64.b64encode(picture.data).decode("ascii")
    return Part(name=name, image=f"data:image/jpeg;base64,{encoded}")


def text_part(name, text, chars_left):
    """A document's extracted text, cut to the ``chars_left`` the work has left; returns the
    part and what is left then."""
    text = text.strip()
    if not text:
        return not_included(name), chars_left
    if chars_left <= 0:
        note = _(
            "The text of «%(name)s» is left out: the work is longer than the collection takes."
        )
        return Part(name=name, note=note % {"name": name}), 0
    part = Part(name=name, text=text[:chars_left])
    if len(text) > chars_left:
        part.note = _("The text of «%(name)s» is shortened.") % {"name": name}
    return part, max(chars_left - len(text), 0)


def file_part(stored, name, pages_left, memory=None):
    """A PDF's or a picture's part. The file is read whole first (uploads are size-capped), so
    that storage being away (an OSError: the build is tried again) is told apart from a file
    that will not parse, which becomes a note; reading it may take ``memory`` bytes more than
    the worker had (None: no limit), past which it is a note too."""
    if not stored.file:
        return not_included(name)
    try:
        data = _read(stored)
    except FileNotFoundError:
        return not_included(name)
    try:
        with address_space_limit(memory):
            if stored.kind == "pdf":
                return pdf_part(name, data, pages_left)
            return image_part(name, data, memory)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        # Whatever a file does to its reader, the booklet goes on without it.
        logger.warning("Entry %s: file %s left out of the collection", stored.entry_id, stored.pk)
        return not_included(name)


def parts_of(entry, memory=None):
    """What each file of ``entry`` becomes in the booklet, within the work's page and text
    allowance; a file that fails is a note."""
    parts = []
    pages_left = setting("COLLECTION_MAX_PAGES_PER_WORK")
    chars_left = setting("COLLECTION_MAX_CHARS_PER_WORK")
    for stored in entry.files.all():
        name = stored.original_name or _("file")
        if stored.kind in TEXT_KINDS:
            part, chars_left = text_part(name, stored.text, chars_left)
        elif stored.kind == "pdf" and pages_left <= 0:
            part = Part(name=name, note=_("Further pages are not included."))
        elif stored.kind == "pdf" or stored.kind in IMAGE_KINDS:
            part = file_part(stored, name, pages_left, memory)
            pages_left -= part.pages
        else:
            part = not_included(name)
        parts.append(part)
    return parts


# --- The booklet -----------------------------------------------------------------------------


def slot_id(work_index, part_index, page_index):
    return f"slot-{work_index}-{part_index}-{page_index}"


def render(contest, works):
    """The booklet as PDF bytes and its page count (see the module for the slots)."""
    from weasyprint import HTML  # noqa: PLC0415 — loading Pango takes a second; only PDF work needs it

    html = render_to_string(TEMPLATE, {"contest": contest, "works": works})
    document = HTML(
        string=html,
        base_url=str(getattr(settings, "BASE_DIR", "")),
        url_fetcher=pdf_url_fetcher(),
    ).render()
    slots = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("slot-"):
                slots[number] = anchor
    writer = PdfWriter(clone_from=io.BytesIO(document.write_pdf()))
    readers = {}
    # From the last page back, so that the indexes of the slots still to replace hold.
    for number in sorted(slots, reverse=True):
        _slot, work_index, part_index, page_index = slots[number].split("-")
        key = (int(work_index), int(part_index))
        if key not in readers:
            part = works[key[0]].parts[key[1]]
            readers[key] = PdfReader(io.BytesIO(part.pdf))
        writer.insert_page(readers[key].pages[int(page_index)], number + 1)
        writer.remove_page(number)
    return writer, len(writer.pages)


@in_site_language
def write(collection, memory=None):
    """The build's work: the booklet in a temporary spool, with its counts set on the build."""
    contest = ContestPage.objects.get(pk=collection.contest_id)
    if not results_published(contest):
        raise Refused(_("The winners' collection is compiled once the results are published."))
    works = []
    for result in winners(contest):
        works.append(Work(result=result, entry=result.entry, parts=parts_of(result.entry, memory)))
    writer, pages = render(contest, works)
    collection.work_count, collection.page_count = len(works), pages
    return file_name(contest), spooled(writer.write)
