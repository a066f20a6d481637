"""A resolution as a PDF download (``ResolutionPage`` route ``pdf/``)."""

from django.http import HttpResponse

from ..resolution_pdf import resolution_pdf as render


def resolution_pdf(request, page):
    conference, pdf = render(page, request)
    response = HttpResponse(pdf, content_type="application/pdf")
    number = getattr(conference, "number", "") or page.pk
    filename = f"resolution-{number}-{page.adopted_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
