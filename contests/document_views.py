"""The public side of what judging produces: view functions of the contest page's routes
(``ContestPage``, declared with ``kuzbib_site.base.routes.page_route``), each called as
``view(request, contest, …)``, GET only:

- ``verify`` — ``diploma/<code>/``: «Проверить подлинность диплома», the page a diploma's QR
  code opens: its number, kind, recipient, library, contest, nomination, award and date, or
  that it was revoked, or that the recipient's data is erased. Anyone may open it.
- ``entry_diploma`` — ``entry/<token>/diploma/``: the participant's own diploma (PDF) behind
  their private link.
- ``collection`` — ``collection/``: the winners' collection (PDF), once the results are
  published.

Anything unknown is a 404 page in the site's design, never an error."""

import re

from django.http import FileResponse
from django.template.response import TemplateResponse

from kuzbib_site.base.privacy import private_response
from kuzbib_site.base.routes import not_found, private_record

from . import collection as collections
from .diplomas import erased, file_name
from .models import Diploma, Entry

#: What a code looks like (``secrets.token_urlsafe``, 22 characters for 128 bits). Anything
#: else is not looked up at all. There is no throttle: a code is 128 random bits, so trying
#: codes finds nothing however fast one tries, and a page per guess costs one indexed query.
CODE = re.compile(r"[A-Za-z0-9_-]{16,40}")


def verify(request, contest, code):
    diploma = None
    if CODE.fullmatch(code):
        diploma = Diploma.objects.filter(contest=contest, code=code).select_related("entry").first()
    if diploma is None:
        response = TemplateResponse(
            request,
            "contests/documents/diploma_unknown.html",
            {"page": contest, "self": contest},
            status=404,
        )
    else:
        context = {
            "page": contest,
            "self": contest,
            "diploma": diploma,
            "erased": erased(diploma.entry),
        }
        response = TemplateResponse(request, "contests/documents/verify.html", context)
    # A person's name and what they won: confirmed to whoever holds the code, not indexed.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def entry_diploma(request, contest, token):
    entry = private_record(
        Entry.objects.filter(contest=contest).select_related("diploma"), token, ends=contest.end
    )
    if entry is None:
        return not_found(request, contest, "contests/entry_not_found.html")
    diploma = getattr(entry, "diploma", None)
    if diploma is None or diploma.revoked_at is not None or not diploma.file:
        return not_found(request, contest, "contests/documents/no_diploma.html")
    try:
        handle = diploma.file.open("rb")
    except FileNotFoundError:
        return not_found(request, contest, "contests/documents/no_diploma.html")
    response = FileResponse(handle, as_attachment=True, filename=file_name(diploma))
    return private_response(response)


def collection(request, contest):
    ready = collections.published(contest)
    try:
        handle = ready.file.open("rb") if ready else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        return TemplateResponse(
            request,
            "contests/documents/no_collection.html",
            {"page": contest, "self": contest},
            status=404,
        )
    return FileResponse(handle, filename=collections.file_name(contest))
