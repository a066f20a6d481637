"""PDF documents from Django templates with WeasyPrint: certificates, protocols, proceedings,
badges, resolutions. Templates are HTML with print CSS; ``lang="ru"`` and ``hyphens: auto`` give
Russian hyphenation (WeasyPrint uses pyphen's Russian dictionary). Fonts come from the system:
DejaVu covers Cyrillic and is installed with the project's system packages."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name, context, request=None):
    """Render a template to PDF bytes. Nothing is fetched from the network, and files only from
    the project's own directory."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only PDF work needs it

    html = render_to_string(template_name, context, request=request)
    return HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_fetcher()
    ).write_pdf()


def _local_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalURLFetcher(URLFetcher):
        """file:// inside the project and data: URLs only: text in a page cannot make the PDF
        renderer reach the network or read other files."""

        def fetch(self, url, headers=None):
            if url.startswith("file://") and not url[7:].startswith(str(settings.BASE_DIR)):
                raise ValueError(f"PDF rendering does not read {url[:100]}")
            return super().fetch(url, headers)

    return LocalURLFetcher(allowed_protocols=("file", "data"))
