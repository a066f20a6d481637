"""The total request cap (kuzbib_site/base/middleware.py): a request whose Content-Length is over
KUZBIB_BASE["MAX_REQUEST_BYTES"] is refused with 413 before anything reads its body or runs a
view; the default cap still lets through the largest upload a form or the admin accepts."""

import pytest
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contests.models import ContestPage, Entry
from events.conf import setting as events_setting

pytestmark = pytest.mark.django_db


def test_oversized_post_is_refused_before_the_view(client, contest, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "MAX_REQUEST_BYTES": 64 * 1024}
    url = contest.url + "submit/"
    body = b"x" * (65 * 1024)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, body, content_type="application/octet-stream")
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="ru">' in html and "64" in html
    # No view ran: not even the page lookup's query.
    assert len(queries) == 0 and Entry.objects.count() == 0


def test_declared_length_is_enough_the_body_is_never_read(client, contest, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "MAX_REQUEST_BYTES": 1024}
    # The test client's payload raises if anything reads past the bytes it holds: a request
    # declaring 1 GiB with a few bytes behind it proves that nothing reads the body.
    response = client.post(
        contest.url + "submit/",
        b"a=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(1024**3),
    )
    assert response.status_code == 413


def test_requests_under_the_cap_reach_the_view(client, contest, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "MAX_REQUEST_BYTES": 64 * 1024}
    response = client.post(contest.url + "submit/", {"title": "x" * 1000})
    assert response.status_code == 200 and "<form" in response.content.decode()
    # A malformed length is Django's business (it reads no body then); never a 500 here.
    odd = client.post(contest.url + "submit/", b"", content_type="text/plain", CONTENT_LENGTH="x")
    assert odd.status_code < 500


def test_default_cap_covers_the_largest_uploads():
    cap = settings.KUZBIB_BASE["MAX_REQUEST_BYTES"]
    field = ContestPage._meta.get_field("max_entry_mb")
    ceiling_mb = max(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    assert cap > ceiling_mb * 1024 * 1024
    assert cap > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    assert cap > events_setting("PROPOSAL_FILE_MAX_BYTES")
    # …and it is checked before anything else can read the body.
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware[1] == "kuzbib_site.base.middleware.RequestSizeLimitMiddleware"
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
