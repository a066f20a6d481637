"""Production settings plus the bare baseline view (``bench.urls``).

Cache keys get their own prefix: when the run uses an existing Redis (``REDIS_URL`` set), the
benchmark's cached site root paths and the like must not mix with those of the real site. So do
Celery's queues (the contest measurements send tasks): a worker of the real site on the same
Redis never takes the benchmark's tasks, nor the benchmark's worker the real site's.
"""

from kuzbib_site.settings.production import *  # noqa: F403
from kuzbib_site.settings.production import CACHES, CELERY_BROKER_TRANSPORT_OPTIONS

ROOT_URLCONF = "bench.urls"
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "kuzbib-bench"}}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": "kuzbib-bench:celery:",
}
