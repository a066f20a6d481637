"""The chair's documents in the jury room: the jury protocol (``protocol``), the diplomas and
certificates (``diplomas``) and the winners' collection (``collection``). For each, GET shows
the newest builds — queued, being built, ready with its download, or failed and why — and POST
asks for a new one, refused with a message while judging has not got that far (the protocol
waits for judging to close, the others for the published results).

Who may: the chair of the contest's jury, and managers who may change entries («Can change
entry», the admin's permission for the entries' personal data). Any other signed-in user gets a
404, as for a contest that does not exist; anonymous visitors go to the jury room's sign-in."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kuzbib_site.base.privacy import private_response

from .. import collection, diplomas, protocol
from ..diplomas import Refused
from ..models import ContestPage, Diploma, DiplomaBatch, JuryProtocol, WinnersCollection
from .access import juror_required, membership

#: Builds listed on a document's page, newest first.
LISTED = 10


@dataclass(frozen=True)
class Document:
    key: str
    model: type
    module: object
    title: str
    about: str
    suffix: str


DOCUMENTS = {
    document.key: document
    for document in (
        Document(
            "protocol",
            JuryProtocol,
            protocol,
            gettext_lazy("Minutes of the jury's meeting"),
            gettext_lazy(
                "The protocol of the jury's meeting as PDF: the jury, the method, the ranking of "
                "each nomination with every juror's totals, agreement, special prizes, the audit "
                "log of score changes and lines for the signatures. It names the participants: "
                "it is for the jury and the organisers only. Ready once judging is closed."
            ),
            "protocol",
        ),
        Document(
            "diplomas",
            DiplomaBatch,
            diplomas,
            gettext_lazy("Diplomas and certificates"),
            gettext_lazy(
                "A diploma for each winner (places 1–3 and special prizes) and a certificate of "
                "participation for every other judged entry, each with its number and a QR code "
                "of its verification page. Each participant downloads theirs from their entry's "
                "page and is told by e-mail once; the PDF here holds all of them for printing. "
                "A new batch keeps every number issued. Ready once the results are published."
            ),
            "diplomas",
        ),
        Document(
            "collection",
            WinnersCollection,
            collection,
            gettext_lazy("Collection of the winners' contest works"),
            gettext_lazy(
                "A PDF booklet: cover, contents and each winning work with its author and "
                "library. The newest ready one is offered on the contest page. Ready once the "
                "results are published."
            ),
            "collection",
        ),
    )
}


def contest_for(request, contest_id):
    """The contest whose documents the user may handle — as its jury's chair, or as a manager
    of entries — or 404."""
    if request.user.has_perm("contests.change_entry"):
        return get_object_or_404(ContestPage, pk=contest_id)
    return membership(request, contest_id, chair=True).contest


def _document_page(request, contest_id, key):
    document = DOCUMENTS[key]
    contest = contest_for(request, contest_id)
    if request.method == "POST":
        try:
            document.module.request(contest, request.user)
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("It is being prepared; reload this page in a minute to download it.")
            )
        return redirect(f"contests_jury:{key}", contest.pk)
    listed = list(
        document.model.objects.filter(contest=contest).select_related("requested_by")[:LISTED]
    )
    context = {
        "contest": contest,
        "document": document,
        "builds": listed,
        "file_url_name": f"contests_jury:{key}_file",
        "issued": (
            Diploma.objects.filter(contest=contest).order_by("pk") if key == "diplomas" else None
        ),
    }
    return private_response(
        TemplateResponse(request, "contests/documents/jury_document.html", context),
        has_forms=True,
    )


def _download(request, contest_id, key, build_id):
    document = DOCUMENTS[key]
    contest = contest_for(request, contest_id)
    ready = get_object_or_404(
        document.model, pk=build_id, contest=contest, status=document.model.Status.READY
    )
    try:
        handle = ready.file.open("rb") if ready.file else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        raise Http404
    name = f"{contest.file_stem}-{document.suffix}.pdf"
    return private_response(FileResponse(handle, as_attachment=True, filename=name))


page_methods = require_http_methods(["GET", "HEAD", "POST"])


@juror_required
@page_methods
def protocol_page(request, contest_id):
    return _document_page(request, contest_id, "protocol")


@juror_required
@page_methods
def diplomas_page(request, contest_id):
    return _document_page(request, contest_id, "diplomas")


@juror_required
@page_methods
def collection_page(request, contest_id):
    return _document_page(request, contest_id, "collection")


@juror_required
@require_GET
def protocol_file(request, contest_id, build_id):
    return _download(request, contest_id, "protocol", build_id)


@juror_required
@require_GET
def diplomas_file(request, contest_id, build_id):
    return _download(request, contest_id, "diplomas", build_id)


@juror_required
@require_GET
def collection_file(request, contest_id, build_id):
    return _download(request, contest_id, "collection", build_id)
