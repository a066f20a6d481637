"""SQL queries per URL, counted in-process: ``python -m bench.queries /path/ ...``.

Uses the same settings and database as the gunicorn of the run (the caller sets the
environment). Each URL is requested twice with ``django.test.Client`` and the second request's
queries are counted: the first fills caches (site root paths, the main menu...), and the load
test measures that warm state too. With the page cache on (production settings) the second
request of a cacheable page is a cache hit, and its count is the hit's; the run counts the
uncached pages in a process with ``KUZBIB_PAGE_CACHE=off``. Each result carries the second
response's ``X-Kuzbib-Cache`` header. Prints one JSON object keyed by URL.
"""

import json
import os
import sys

import django


def count_queries(paths):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Production checks: the host must be allowed, and the proxy's header marks the request as
    # HTTPS so that SECURE_SSL_REDIRECT (if on) does not answer with a redirect.
    client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    results = {}
    for path in paths:
        with CaptureQueriesContext(connection) as cold:
            client.get(path)
        with CaptureQueriesContext(connection) as warm:
            response = client.get(path)
        results[path] = {
            "queries": len(warm),
            "cold_queries": len(cold),
            "status": response.status_code,
            "cache": response.headers.get("X-Kuzbib-Cache"),
        }
    return results


def main(argv=None):
    paths = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    json.dump(count_queries(paths), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
