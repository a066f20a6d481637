"""PDF documents from Django templates with WeasyPrint: certificates, protocols, proceedings,
badges, resolutions. Templates are HTML with print CSS; ``lang="ru"`` and ``hyphens: auto`` give
Russian hyphenation (WeasyPrint uses pyphen's Russian dictionary). Fonts come from the system:
DejaVu covers Cyrillic and is installed with the project's system packages."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.template.loader import render_to_string


def render_pdf(template_name, context, request=None, allow_private_media=False):
    """Render a template to PDF bytes. Nothing is fetched from the network, and files only from
    the static and public media directories (see ``pdf_url_fetcher``); private media only when
    the caller says so with ``allow_private_media`` (no template needs it today)."""
    from weasyprint import HTML  # noqa: PLC0415 — loading Pango takes a second; only PDF work needs it

    html = render_to_string(template_name, context, request=request)
    return HTML(
        string=html,
        base_url=str(getattr(settings, "BASE_DIR", Path.cwd())),
        url_fetcher=pdf_url_fetcher(allow_private_media=allow_private_media),
    ).write_pdf()


def readable_roots(allow_private_media=False):
    """The directories a PDF may read files from, as real paths: STATIC_ROOT, every static
    directory the staticfiles finders know (apps' ``static/``, STATICFILES_DIRS) and MEDIA_ROOT.
    PRIVATE_MEDIA_ROOT is left out unless asked for, and excluded even when it lies inside
    MEDIA_ROOT."""
    roots = [settings.STATIC_ROOT, settings.MEDIA_ROOT]
    for finder in get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(location)
    private = os.path.realpath(settings.PRIVATE_MEDIA_ROOT)
    allowed = {os.path.realpath(root) for root in roots if root}
    if allow_private_media:
        allowed.add(private)
    return allowed, (None if allow_private_media else private)


def _inside(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def local_file_path(url, allow_private_media=False):
    """The real path of a ``file:`` URL when a PDF may read it, else ``None``. The path is
    percent-decoded and resolved (``..`` and symbolic links) before it is compared, so neither
    ``file:///srv/kuzbib/static/../../etc/passwd``, its percent-encoded form nor a symbolic link
    inside ``static/`` that points elsewhere gets out."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = os.path.realpath(unquote(parts.path))
    allowed, private = readable_roots(allow_private_media)
    if private and _inside(path, private):
        return None
    if not any(_inside(path, root) for root in allowed) or not os.path.isfile(path):
        return None
    return path


def pdf_url_fetcher(allow_private_media=False):
    """A WeasyPrint URL fetcher for our PDFs: ``data:`` URLs, and ``file:`` URLs that
    ``local_file_path`` allows; nothing else (no network at all)."""
    from weasyprint.urls import URLFetcher, path2url  # noqa: PLC0415 — as in render_pdf

    class LocalURLFetcher(URLFetcher):
        """Static and public media files and data: URLs only: text in a page cannot make the
        PDF renderer reach the network or read other files."""

        def fetch(self, url, headers=None):
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            path = local_file_path(url, allow_private_media=allow_private_media)
            if path is None:
                raise ValueError(f"PDF rendering does not read {url[:100]}")
            # The resolved path is opened, not the URL: what was checked is what is read.
            return super().fetch(path2url(Path(path)), headers)

    return LocalURLFetcher(allowed_protocols=("file", "data"))
