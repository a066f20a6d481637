"""Production: everything from the environment; a missing required variable stops start-up."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, STORAGES, env_bool, env_list

REQUIRED = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
# A bucket named means object storage, which needs its own keys: a server that guessed them
# from its surroundings (or ran without) would fail on the first upload, not at start-up.
if os.environ.get("KUZBIB_S3_BUCKET") or os.environ.get("KUZBIB_S3_PRIVATE_BUCKET"):
    REQUIRED += ["KUZBIB_S3_BUCKET", "KUZBIB_S3_ACCESS_KEY_ID", "KUZBIB_S3_SECRET_ACCESS_KEY"]
missing = [name for name in REQUIRED if not os.environ.get(name)]
if missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(missing)
    )

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# Media and private files where base.py put them (the disk, or object storage); static files
# from WhiteNoise.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TLS ends at the reverse proxy, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "upgrade-insecure-requests": True,
    }
}

# W019 asks for X_FRAME_OPTIONS = "DENY"; Wagtail's live preview frames same-origin pages, so
# SAMEORIGIN (and CSP frame-ancestors 'self') is the deliberate choice.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
