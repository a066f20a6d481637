"""Production settings plus the bare baseline view (``bench.urls``).

Cache keys get their own prefix: when the run uses an existing Redis (``REDIS_URL`` set), the
benchmark's cached site root paths and the like must not mix with those of the real site.
"""

from kuzbib_site.settings.production import *  # noqa: F403
from kuzbib_site.settings.production import CACHES

ROOT_URLCONF = "bench.urls"
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "kuzbib-bench"}}
