"""A dynasty as a GEDCOM file (routes ``gedcom/`` and ``gedcom/7/`` of ``DynastyPage``): the
family for a genealogy program, living members' dates withheld (``dynasties.gedcom``)."""

from django.db.models import prefetch_related_objects
from django.http import HttpResponse

from .. import gedcom

CONTENT_TYPES = {
    gedcom.GEDCOM_551: "application/x-gedcom; charset=utf-8",
    gedcom.GEDCOM_70: "text/vnd.familysearch.gedcom; charset=utf-8",
}


#: The page's route that answers with GEDCOM 7.0; the other (``gedcom``) gives 5.5.1.
ROUTE_70 = "gedcom7"


def download(request, page, version=None):
    """The dynasty's family as a GEDCOM file to save: ``version`` when given, else the one the
    route names (``gedcom/7/``, named ``gedcom7``: 7.0; ``gedcom/``: 5.5.1). Reads the members,
    kinship and work periods in one query each; writes nothing."""
    if version is None:
        # Both routes call this view; Wagtail records which one matched.
        match = getattr(request, "routable_resolver_match", None)
        version = (
            gedcom.GEDCOM_70 if getattr(match, "url_name", "") == ROUTE_70 else gedcom.GEDCOM_551
        )
    prefetch_related_objects([page], "members", "links", "periods__library")
    write = gedcom.gedcom70 if version == gedcom.GEDCOM_70 else gedcom.gedcom551
    content = write(page.family(), title=page.title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[version])
    response["Content-Disposition"] = f'attachment; filename="{gedcom.file_name(page, version)}"'
    return response
