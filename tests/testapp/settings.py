"""Settings of the test host site: Django's and Wagtail's, the core and the plugins, and nothing
of ours (no kuzbib_site.home, no KUZBIB_* overrides, nothing imported from kuzbib_site.settings).
What a site must add for the plugins is marked «for the plugins»."""

import os
import tempfile
from pathlib import Path

TEST_DIR = Path(__file__).resolve().parent
# One scratch folder per process for uploads and private files.
SCRATCH = Path(os.environ.get("KUZBIB_TESTAPP_DIR") or tempfile.mkdtemp(prefix="kuzbib-testapp-"))

SECRET_KEY = "test-host-site-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.testapp.urls"

INSTALLED_APPS = [
    "tests.testapp",
    # For the plugins: the shared core first, then the plugins.
    "kuzbib_site.base",
    "events",
    "contests",
    "heroes_archive",
    "dynasties",
    "periodicals",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SCRATCH / "db.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = SCRATCH / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = SCRATCH / "media"
# For the plugins: participants' files, outside MEDIA_ROOT (the core's check kuzbib.E001).
PRIVATE_MEDIA_ROOT = SCRATCH / "private"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "Соседняя библиотека <noreply@library.example>"

WAGTAIL_SITE_NAME = "Библиотеки соседей"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# For the plugins: their tasks run on the site's Celery app (tests/testapp/celery.py); with no
# broker here, in the calling process.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
