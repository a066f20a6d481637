"""The query budget behind the ``assert_queries_bounded`` fixture (tests/conftest.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


class QueryBudget:
    """``assert_queries_bounded(urls, add, cap=…)``: each URL answers a GET with 200 in the same
    number of queries before and after ``add()`` puts more records in (say N, then 3N), and in
    no more than ``cap``; ``slack`` allows that many more after. Each URL is fetched once first,
    before and after ``add()``, so that caches filled by the first request (site root paths,
    permissions) do not count.
    Returns the counts after. ``count(url)`` counts one request. A streamed response is read to
    its end, since its queries run while it is read."""

    def __init__(self, client):
        self.client = client

    def run(self, url, client=None):
        with CaptureQueriesContext(connection) as captured:
            response = (client or self.client).get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            if response.streaming:
                b"".join(response.streaming_content)
        return [query["sql"] for query in captured.captured_queries]

    def count(self, url, client=None):
        return len(self.run(url, client))

    def __call__(self, urls, add, *, cap, client=None, slack=0):
        urls = [urls] if isinstance(urls, str) else list(urls)
        for url in urls:
            self.run(url, client)
        before = [self.count(url, client) for url in urls]
        add()
        # Fetched once again first: what ``add`` did may have emptied a cache the first request
        # fills (publishing pages, a site's root paths), which is not a query per record.
        for url in urls:
            self.run(url, client)
        after = [self.run(url, client) for url in urls]
        for url, few, many in zip(urls, before, after, strict=True):
            listing = "\n".join(sql[:160] for sql in many)
            assert few <= len(many) <= few + slack, (
                f"{url}: {few} queries, then {len(many)} with more records:\n{listing}"
            )
            assert len(many) <= cap, f"{url}: {len(many)} queries, more than {cap}:\n{listing}"
        return [len(many) for many in after]
