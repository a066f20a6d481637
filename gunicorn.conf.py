"""gunicorn's configuration for Kuzbib: production (README «Production deployment») and
``make bench``.

gunicorn reads ``./gunicorn.conf.py`` by itself when started from the project root; from elsewhere
pass ``--config /path/to/gunicorn.conf.py``. Options given on the command line or in
``GUNICORN_CMD_ARGS`` override these (the bench overrides ``bind`` and the control socket).
"""

import gc
import os

wsgi_app = "kuzbib_site.wsgi:application"
# Only the TLS-terminating reverse proxy on the same machine reaches gunicorn.
bind = "127.0.0.1:8000"

# Sync workers: a page is CPU work in Python (middleware, templates) plus sub-millisecond queries
# to PostgreSQL and Redis on the local network, so threads sharing one GIL (gthread) would add
# switching without adding throughput. What sync workers cannot do, wait on slow clients, nginx
# does for them: it buffers request bodies and responses.
worker_class = "sync"


def _cpus():
    # The CPUs this process may run on (a container's or taskset's limit), not the host's.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


# gunicorn's advice, 2 × cores + 1 (5 on a 2-core machine): while one worker waits on the
# database or Redis another has the core. WEB_CONCURRENCY overrides it, as in gunicorn's default.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cpus() + 1)

# The application is imported once, in the master, and the workers are forked from it: they
# start at once and share its memory until they write to it. A code change therefore needs a
# restart of the master (systemctl restart), not a HUP.
preload_app = True


def pre_fork(server, worker):
    """Move everything the master has loaded (Django, Wagtail, our modules: ~200,000 objects)
    into the garbage collector's permanent generation just before forking a worker.

    A full collection in a worker then no longer walks them (35–134 ms pauses that showed as
    p99 spikes), and not touching their headers keeps the pages shared with the master (the
    pattern of Python's ``gc.freeze`` documentation)."""
    gc.freeze()


def post_worker_init(worker):
    """Without ``preload_app`` (``--no-preload``, e.g. with ``--reload``) each worker imports
    the application itself: freeze what it loaded, for the same shorter collections."""
    if not worker.cfg.preload_app:
        gc.freeze()
