"""Settings shared by every environment.

Everything that differs between a laptop, CI and production comes from the environment:
``DATABASE_URL`` (unset: an SQLite file), ``REDIS_URL`` (unset: Celery runs tasks eagerly and the
cache lives in local memory), e-mail and search options. ``production.py`` makes the required ones
mandatory.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


INSTALLED_APPS = [
    # Our site: the home page, plain pages, the library directory, the demo.
    "kuzbib_site.home",
    # The shared core and the domain apps (what another Wagtail site installs).
    "kuzbib_site.base",
    "events",
    "contests",
    "heroes_archive",
    "dynasties",
    "periodicals",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
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
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses an oversized body before anything reads it.
    "kuzbib_site.base.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware without Accept-Language: Russian unless the visitor chose
    # English with the site's switch (kuzbib_site/base/middleware.py).
    "kuzbib_site.base.middleware.SiteLanguageMiddleware",
    # Anonymous GETs of pages from the shared cache (kuzbib_site/base/page_cache.py): after the
    # session and the language, before everything a hit may skip.
    "kuzbib_site.base.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's middleware with the admin's policy on /admin/ (kuzbib_site/base/csp.py).
    "kuzbib_site.base.csp.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Answers a locked-out sign-in with the lockout page (django-axes; keep it last).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kuzbib_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "kuzbib_site.base.context_processors.low_vision",
            ],
        },
    },
]

WSGI_APPLICATION = "kuzbib_site.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# PostgreSQL in production and CI; an SQLite file is the embedded default of a first run.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take SQLite's lock when their transaction begins and wait for it, instead of
    # failing with "database is locked" when two transactions try to upgrade at once.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

# --- Redis: Celery broker and cache -----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kuzbib",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery reads every CELERY_* setting (see kuzbib_site/celery.py). Task state lives in our own
# models, so there is no result backend.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process whose resident memory exceeds this (KiB) after a task is replaced by a fresh one,
# so that memory a large file left behind is given back (KUZBIB_WORKER_MAX_MEMORY_MB, 0: never).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = (
    int(os.environ.get("KUZBIB_WORKER_MAX_MEMORY_MB", "512")) * 1024 or None
)
CELERY_TASK_DEFAULT_QUEUE = "default"
# A message not acknowledged within this time (a worker that died without saying so) goes back
# to the queue; it must exceed the longest hard time limit of any task.
# Heavy file work, PDF rendering and mail each have a queue, so that one cannot starve another.
CELERY_TASK_ROUTES = {
    "kuzbib.*.build_*": {"queue": "pdf"},
    "kuzbib.*.send_*": {"queue": "mail"},
    "kuzbib.*.process_*": {"queue": "files"},
    # Splitting an issue's upload into pages renders a PDF: heavy file work.
    "kuzbib.periodicals.split_upload": {"queue": "files"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Novokuznetsk"
CELERY_BEAT_SCHEDULE = {
    "kuzbib.base.heartbeat": {"task": "kuzbib.base.heartbeat", "schedule": 60.0},
    # Background builds of every app (kuzbib_site/base/builds.py): lost, dead, too old, expired.
    "kuzbib.base.sweep_builds": {"task": "kuzbib.base.sweep_builds", "schedule": 120.0},
    "kuzbib.contests.sweep": {"task": "kuzbib.contests.sweep", "schedule": 120.0},
    "kuzbib.dynasties.sweep_mail": {"task": "kuzbib.dynasties.sweep_mail", "schedule": 120.0},
    # A dynasty whose members still work gains a year of service each January.
    "kuzbib.dynasties.refresh_figures": {
        "task": "kuzbib.dynasties.refresh_figures",
        "schedule": 24 * 3600.0,
    },
    "kuzbib.dynasties.sweep_photos": {"task": "kuzbib.dynasties.sweep_photos", "schedule": 120.0},
    # Periodicals: uploads and scanned pages a lost message or a dead worker left waiting.
    "kuzbib.periodicals.sweep_ingest": {
        "task": "kuzbib.periodicals.sweep_ingest",
        "schedule": 120.0,
    },
    # Holdings imports of the periodicals' union catalogue whose message was lost.
    "kuzbib.periodicals.sweep_holdings_imports": {
        "task": "kuzbib.periodicals.sweep_holdings_imports",
        "schedule": 300.0,
    },
    # Anonymises personal data past its retention period, once a day.
    "kuzbib.base.retention": {"task": "kuzbib.base.retention", "schedule": 24 * 3600.0},
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Novokuznetsk"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Private files (contest entries, applicants' documents) live here, outside MEDIA_ROOT, and are
# served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# "private" is the apps' private files (kuzbib_site/base/storage.py): every private file field
# uses the backend named here, under a folder of its own.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "kuzbib_site.base.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# With KUZBIB_S3_BUCKET, public media and private files live in S3-compatible object storage
# instead (kuzbib_site/base/object_storage.py), so that web servers and workers on other machines
# reach the same files (README, «Files on another machine / S3»). Private files go to their own
# bucket (KUZBIB_S3_PRIVATE_BUCKET) or, by default, under their own prefix of the same bucket,
# always as private objects. Static files stay with WhiteNoise.


def _media_origins(bucket, connection, custom_domain):
    """The origins public media come from, for the Content-Security-Policy's img-src: the custom
    domain (a CDN), else the endpoint with the bucket as its path or as its host name."""
    if custom_domain:
        return [f"https://{custom_domain.split('/')[0]}"]
    endpoint = connection["endpoint_url"]
    if endpoint:
        scheme, _, host = endpoint.partition("://")
        host = host.split("/")[0]
        origins = [f"{scheme}://{host}"]
        if connection["addressing_style"] != "path":
            origins.append(f"{scheme}://{bucket}.{host}")
        return origins
    region = connection["region_name"]
    return [f"https://{bucket}.s3.amazonaws.com"] + (
        [f"https://{bucket}.s3.{region}.amazonaws.com"] if region else []
    )


def object_storages(environ):
    """``(storages, media_origins)``: the ``STORAGES`` entries ("default" for public media,
    "private") that ``environ``'s KUZBIB_S3_* variables give, and the origins of public media;
    nothing without a bucket. Unset credentials are left to boto3's own search (an instance
    role), which production does not allow (settings/production.py)."""
    bucket = environ.get("KUZBIB_S3_BUCKET", "")
    if not bucket:
        return {}, []
    connection = {
        "endpoint_url": environ.get("KUZBIB_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("KUZBIB_S3_REGION") or None,
        "access_key": environ.get("KUZBIB_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("KUZBIB_S3_SECRET_ACCESS_KEY") or None,
        # "path" for servers without a host name per bucket (MinIO, moto); unset: boto3 chooses.
        "addressing_style": environ.get("KUZBIB_S3_ADDRESSING_STYLE") or None,
    }
    custom_domain = environ.get("KUZBIB_S3_CUSTOM_DOMAIN") or None
    storages = {
        "default": {
            "BACKEND": "kuzbib_site.base.object_storage.PublicObjectStorage",
            "OPTIONS": {
                **connection,
                "bucket_name": bucket,
                "location": environ.get("KUZBIB_S3_MEDIA_PREFIX", "media"),
                "custom_domain": custom_domain,
            },
        },
        "private": {
            "BACKEND": "kuzbib_site.base.object_storage.PrivateObjectStorage",
            "OPTIONS": {
                **connection,
                "bucket_name": environ.get("KUZBIB_S3_PRIVATE_BUCKET") or bucket,
                "location": environ.get("KUZBIB_S3_PRIVATE_PREFIX", "private"),
                # Empty for a service that refuses ACLs (its objects are private regardless).
                "default_acl": environ.get("KUZBIB_S3_PRIVATE_ACL", "private") or None,
            },
        },
    }
    return storages, _media_origins(bucket, connection, custom_domain)


_object_storages, MEDIA_ORIGINS = object_storages(os.environ)
STORAGES.update(_object_storages)
# Wagtail would redirect to a document's URL in remote storage, past its collection's privacy
# settings; its serve view checks them and streams the file, wherever it is.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Security ---------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Wagtail's preview panel frames the site's own pages.
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Wagtail's admin sets style attributes inline.
        "style-src": ["'self'", "'unsafe-inline'"],
        # Public media in object storage come from its origin (MEDIA_ORIGINS above).
        "img-src": ["'self'", "data:", "blob:", *MEDIA_ORIGINS],
        "font-src": ["'self'", "data:"],
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://player.vimeo.com",
            "https://rutube.ru",
            "https://vk.com",
        ],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Wagtail's admin, and its preview (public page templates rendered under /admin/), get the policy
# above with these directives replaced (kuzbib_site.base.csp.SiteCSPMiddleware). Wagtail 8's
# form widgets (date/time pickers, choosers), inline panels and StreamField write inline
# <script> elements with per-field data; widgets render without the request, so they cannot
# carry a nonce, and their content varies, so hashes cannot list them; Wagtail's JS also re-runs
# the inline scripts of forms it inserts. Hence 'unsafe-inline' for scripts in the admin only,
# which only signed-in staff reach; the public site keeps script-src 'self'.
ADMIN_CONTENT_SECURITY_POLICY = {
    "PATH_PREFIXES": ["/admin/"],
    "REPLACE": {
        "script-src": ["'self'", "'unsafe-inline'"],
    },
}
# No avatars from gravatar.com: they would send a hash of every editor's e-mail address to a
# third party (personal data leaving the site, 152-FZ) and need another image origin in the CSP.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the dashboard ask releases.wagtail.org for new versions (another third-party request
# from editors' browsers that the CSP would block); upgrades follow pyproject.toml.
WAGTAIL_ENABLE_UPDATE_CHECK = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-ins (the admin, later the jury room) are throttled by django-axes: after
# AXES_FAILURE_LIMIT failed attempts for one user name from one address, that combination is
# locked for AXES_COOLOFF_TIME (the lockout page, HTTP 429); a successful sign-in clears the
# count. Unlock earlier with `manage.py axes_reset_username <name>` (README, Security).
# Password resets are throttled by kuzbib_site.base.password_reset.
# AxesBackend (not the standalone one) also answers get_user like ModelBackend, so a session
# whose backend is the first one listed (Wagtail's test helpers log in so) still finds its user.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("KUZBIB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("KUZBIB_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "base/lockout.html"
# Failed attempts are kept only as long as they count (axes deletes those older than the
# cool-off on the next attempt); a log of every successful sign-in (address, browser) would be
# personal data kept for no purpose, and Wagtail's own log already says who changed what.
AXES_DISABLE_ACCESS_LOG = True
# Not a "BEGIN" line on every manage.py command and worker start.
AXES_VERBOSE = False
# The same client address as the public forms' throttle (KUZBIB_BASE["THROTTLE"]).
AXES_CLIENT_IP_CALLABLE = "kuzbib_site.base.throttle.client_ip"

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Кузбасские библиотеки <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Кузбасские библиотеки"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "txt"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"

# Search: Wagtail's database backend. On PostgreSQL it uses the ``kuzbib_russian`` text-search
# configuration (Russian stemming with ё folded to е, created by a migration of the base app).
# WAGTAILSEARCH_BACKEND may name another backend (e.g. wagtail.search.backends.elasticsearch8)
# with WAGTAILSEARCH_URLS for large installs.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": os.environ.get("WAGTAILSEARCH_BACKEND", "wagtail.search.backends.database"),
        **({"SEARCH_CONFIG": "kuzbib_russian"} if IS_POSTGRESQL else {}),
        **(
            {"URLS": env_list("WAGTAILSEARCH_URLS"), "INDEX": "kuzbib"}
            if os.environ.get("WAGTAILSEARCH_URLS")
            else {}
        ),
    }
}

# --- Uploads ---------------------------------------------------------------------------------
MIB = 1024 * 1024
# The largest body a form legitimately sends: a contest entry's files together (a contest may
# allow up to 500 MB per entry, the ceiling of ContestPage.max_entry_mb); admin images (20 MiB)
# and report proposals (10 MiB) are smaller. A megabyte more covers the fields and the multipart
# framing.
LARGEST_UPLOAD_BYTES = max(500 * MIB, WAGTAILIMAGES_MAX_UPLOAD_SIZE)
# Django refuses a body of form fields (files aside) above this before parsing it; files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to temporary files instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * MIB
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * MIB)
# Django's default of 1,000 fields is less than legitimate forms send: a dynasty's application at
# its own limits (60 members, 200 work periods) is about 2,000 fields, and the admin's editor of a
# 40-member dynasty page (members, kinship, periods as inline rows) about 1,500. The body's size
# stays capped by DATA_UPLOAD_MAX_MEMORY_SIZE; the forms refuse more rows than they take.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Per-app settings live in one namespaced dict each.


def _throttle_limits(form, ip, email):
    """A public form's limits per client address and per e-mail address in a window; each can
    be set from the environment, e.g. KUZBIB_THROTTLE_REGISTRATION_IP=50 (0: no limit)."""
    prefix = f"KUZBIB_THROTTLE_{form.upper()}"
    return {"ip": env_int(f"{prefix}_IP", ip), "email": env_int(f"{prefix}_EMAIL", email)}


# The core's settings that this site takes from the environment; the rest keep the defaults in
# kuzbib_site/base/conf.py.
KUZBIB_BASE = {
    # The anonymous page cache (kuzbib_site/base/page_cache.py); KUZBIB_PAGE_CACHE=off turns it off
    # (the bench measures pages both ways).
    "PAGE_CACHE": {
        "ENABLED": os.environ.get("KUZBIB_PAGE_CACHE", "on") != "off",
        # The longest a reverse proxy in front may keep a page (README «Page cache»).
        "PROXY_MAX_AGE": int(os.environ.get("KUZBIB_PAGE_CACHE_PROXY_MAX_AGE", "60")),
    },
    # The archive guard (kuzbib_site/base/uploads.py) for every uploaded ZIP-based file (DOCX,
    # PPTX, ODT, XLSX): real bytes inflated, not the sizes the archive declares.
    "ARCHIVE": {
        "MAX_UNPACKED_BYTES": int(os.environ.get("KUZBIB_ARCHIVE_MAX_UNPACKED_MB", "100")) * 2**20,
        "MAX_RATIO": int(os.environ.get("KUZBIB_ARCHIVE_MAX_RATIO", "100")),
        "MAX_XML_BYTES": int(os.environ.get("KUZBIB_ARCHIVE_MAX_XML_MB", "25")) * 2**20,
    },
    # Personal data (152-FZ, kuzbib_site/base/retention.py): days after its event ends (or after
    # the record was made, if later) that a record keeps its personal data before the daily job
    # anonymises it; e.g. KUZBIB_RETENTION_REGISTRATION_DAYS=30.
    "RETENTION": {
        "registration": int(os.environ.get("KUZBIB_RETENTION_REGISTRATION_DAYS", "90")),
        "proposal": int(os.environ.get("KUZBIB_RETENTION_PROPOSAL_DAYS", "365")),
        "entry": int(os.environ.get("KUZBIB_RETENTION_ENTRY_DAYS", "365")),
    },
    # A private link (registration, proposal, entry) stops working so many days after its event
    # ends (kuzbib_site/base/privacy.py).
    "PRIVATE_LINK_DAYS_AFTER_END": int(os.environ.get("KUZBIB_PRIVATE_LINK_DAYS_AFTER_END", "60")),
    # Public forms accept at most so many POSTs per client address and per e-mail address in a
    # fixed window (see kuzbib_site/base/throttle.py); counters live in the cache (Redis).
    "THROTTLE": {
        "ENABLED": env_bool("KUZBIB_THROTTLE_ENABLED", True),
        "WINDOW_SECONDS": env_int("KUZBIB_THROTTLE_WINDOW_SECONDS", 3600),
        # How many proxies of ours append to X-Forwarded-For (nginx in front of gunicorn: 1).
        # 0 trusts only REMOTE_ADDR: right when nothing sits in front, or the proxy sets it.
        "TRUSTED_PROXY_DEPTH": env_int("KUZBIB_TRUSTED_PROXY_DEPTH", 0),
        # A whole library often shares one address, so the per-address limits are generous.
        "LIMITS": {
            "registration": _throttle_limits("registration", ip=30, email=5),
            "proposal": _throttle_limits("proposal", ip=10, email=5),
            "entry": _throttle_limits("entry", ip=10, email=5),
            "dynasty_application": _throttle_limits("dynasty_application", ip=10, email=5),
            "password_reset": _throttle_limits("password_reset", ip=10, email=3),
            # A reader's correction of a periodical's line of text (no e-mail asked).
            "periodical_correction": _throttle_limits("periodical_correction", ip=60, email=0),
            # Clips of a periodical's page, each cut from the master image when asked for.
            "periodical_clip": _throttle_limits("periodical_clip", ip=600, email=0),
        },
    },
    # A request whose Content-Length is larger is refused with 413 before its body is read
    # (kuzbib_site/base/middleware.py); nginx's client_max_body_size should match.
    "MAX_REQUEST_BYTES": env_int("KUZBIB_MAX_REQUEST_BYTES", LARGEST_UPLOAD_BYTES + MIB),
}

# The events app's settings that this site takes from the environment; the rest keep the
# defaults in events/conf.py.
KUZBIB_EVENTS = {
    # The domain part of iCalendar UIDs: stable, so calendars update rather than duplicate.
    "UID_DOMAIN": os.environ.get("KUZBIB_UID_DOMAIN", "kuzbib.ru"),
}

# The contests app's settings that this site takes from the environment; the rest keep the
# defaults in contests/conf.py.
KUZBIB_CONTESTS = {
    "MIN_AGE": env_int("KUZBIB_CONTESTS_MIN_AGE", 14),
    "PROCESSING_SOFT_TIME_LIMIT": env_int("KUZBIB_PROCESSING_SOFT_TIME_LIMIT", 120),
    "PROCESSING_TIME_LIMIT": env_int("KUZBIB_PROCESSING_TIME_LIMIT", 150),
    "PROCESSING_MEMORY_MB": env_int("KUZBIB_PROCESSING_MEMORY_MB", 1024),
    "ARCHIVE_KEEP_DAYS": env_int("KUZBIB_CONTESTS_ARCHIVE_KEEP_DAYS", 7),
}

# The periodicals archive's settings that this site takes from the environment; the rest keep
# the defaults in periodicals/conf.py.
KUZBIB_PERIODICALS = {
    # The member libraries' reading rooms (CIDR, comma-separated): they read the issues that are
    # «in reading rooms only». A wrong entry stops the system checks.
    "READING_ROOM_NETWORKS": env_list("KUZBIB_READING_ROOM_NETWORKS"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Wagtail 8 runs its search-index and reference-index updates as django-tasks and logs
        # every one at INFO; page edits are already in Wagtail's own audit log.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint logs each rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pymorphy3 announces each loading of its dictionaries (every process, every command).
        "pymorphy3": {"level": "WARNING"},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Run in the calling process, each task's «succeeded in 0.01s: None» line would follow
    # every save (a demo load printed dozens); a worker's log keeps them.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
