"""Settings read the environment; checked in fresh interpreters so that nothing this test run
configured leaks in."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.services  # fresh interpreters

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
from kuzbib_site.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "search": settings.WAGTAILSEARCH_BACKENDS["default"],
    "language": settings.LANGUAGE_CODE,
}))
"""


def clean_env(**env):
    """This process's environment without what the test run itself configured."""
    drop = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **env}


def run_settings(module, **env):
    clean = clean_env(DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_urls_sqlite_and_eager_tasks():
    result = run_settings("kuzbib_site.settings.dev")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["engine"] == "django.db.backends.sqlite3"
    assert data["eager"] is True
    assert data["cache"].endswith("LocMemCache")
    assert "SEARCH_CONFIG" not in data["search"]
    assert data["language"] == "ru"


def test_with_urls_postgresql_redis_and_a_real_broker():
    result = run_settings(
        "kuzbib_site.settings.dev",
        DATABASE_URL="postgres://kuzbib@db.example:5432/kuzbib",
        REDIS_URL="redis://cache.example:6379/2",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["engine"] == "django.db.backends.postgresql"
    assert data["eager"] is False
    assert data["broker"] == "redis://cache.example:6379/2"
    assert data["cache"].endswith("RedisCache")
    assert data["search"]["SEARCH_CONFIG"] == "kuzbib_russian"


def test_production_fails_fast_without_required_variables():
    result = run_settings("kuzbib_site.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "DATABASE_URL" in result.stderr


PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "-Production-Secret-For-The-Check-0123456789",
    "ALLOWED_HOSTS": "kuzbib.example",
    "DATABASE_URL": "postgres://kuzbib@127.0.0.1:5432/kuzbib",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(**PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="kuzbib_site.settings.production"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("header", ["Strict-Transport-Security", "Content-Security-Policy"])
def test_production_sends_security_headers(header):
    probe = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, HTTP_HOST='kuzbib.example');"
        f"print(r.headers.get({header!r}, ''))"
    )
    env = clean_env(**PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="kuzbib_site.settings.production")
    env["DATABASE_URL"] = "sqlite:///:memory:"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), f"{header} missing"
