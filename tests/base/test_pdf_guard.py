"""The PDF renderer reads local files only from the static and public media directories: paths
are resolved (``..``, percent-encoding, symbolic links) before they are compared, private media
is never read, and nothing is fetched over the network."""

import http.server
import io
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

from kuzbib_site.base.pdf import local_file_path, pdf_url_fetcher

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def roots(settings):
    """Static, public and private media under the checkout (as on a server, where they sit
    beside the code), private media inside public media as the worst case; removed afterwards."""
    top = BASE_DIR / "var" / f"test-pdf-guard-{uuid.uuid4().hex}"
    settings.STATIC_ROOT = top / "static"
    settings.MEDIA_ROOT = top / "media"
    settings.PRIVATE_MEDIA_ROOT = top / "media" / "private"
    for path in (settings.STATIC_ROOT, settings.PRIVATE_MEDIA_ROOT):
        path.mkdir(parents=True)
    yield settings
    shutil.rmtree(top)


def png(path, colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def images_in(pdf):
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def render(src):
    html = f'<html><body><p>Seal</p><img src="{src}"></body></html>'
    return HTML(string=html, base_url=str(BASE_DIR), url_fetcher=pdf_url_fetcher()).write_pdf()


def test_a_static_image_is_rendered(roots):
    image = png(roots.STATIC_ROOT / "seal.png")
    assert local_file_path(image.as_uri()) == str(image.resolve())
    assert images_in(render(image.as_uri())) == 1


def test_an_app_static_file_and_public_media_are_readable(roots):
    app_css = BASE_DIR / "kuzbib_site" / "base" / "static" / "base" / "css" / "kuzbib.css"
    assert local_file_path(app_css.as_uri()) == str(app_css.resolve())
    photo = png(roots.MEDIA_ROOT / "photo.png", "blue")
    assert images_in(render(photo.as_uri())) == 1


@pytest.mark.parametrize(
    "url",
    [
        f"file://{BASE_DIR}/../../../../../../etc/hostname",
        "file://{static}/../../../../../../../../etc/hostname",
        "file://{static}/%2e%2e/%2E%2E/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
        "file://{static}/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/hostname",
        f"file://{BASE_DIR}/pyproject.toml",
        "file:///etc/hostname",
        "file://otherhost/etc/hostname",
    ],
    ids=[
        "base-dir-dotdot",
        "static-dotdot",
        "encoded-dots",
        "encoded-slashes",
        "code",
        "abs",
        "host",
    ],
)
def test_a_path_outside_static_and_media_is_refused(roots, url):
    url = url.format(static=roots.STATIC_ROOT)
    assert local_file_path(url) is None
    with pytest.raises(ValueError, match="does not read"):
        pdf_url_fetcher().fetch(url)


def test_a_symbolic_link_inside_static_pointing_out_is_refused(roots, tmp_path):
    outside = png(tmp_path / "outside.png")
    link = roots.STATIC_ROOT / "innocent.png"
    link.symlink_to(outside)
    (roots.STATIC_ROOT / "etc").symlink_to("/etc")
    assert local_file_path(link.as_uri()) is None
    assert local_file_path((roots.STATIC_ROOT / "etc" / "hostname").as_uri()) is None
    assert images_in(render(link.as_uri())) == 0


def test_private_media_is_refused_unless_the_caller_allows_it(roots):
    preview = png(roots.PRIVATE_MEDIA_ROOT / "entry-preview.png")
    assert local_file_path(preview.as_uri()) is None
    assert images_in(render(preview.as_uri())) == 0
    assert local_file_path(preview.as_uri(), allow_private_media=True) == str(preview.resolve())


class Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_http_url_is_not_fetched(roots):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.requests.clear()
    try:
        url = f"http://127.0.0.1:{server.server_port}/tracker.png"
        pdf = render(url)
        with pytest.raises(ValueError):
            pdf_url_fetcher().fetch(url)
    finally:
        server.shutdown()
        server.server_close()
    assert Recorder.requests == []
    assert images_in(pdf) == 0
