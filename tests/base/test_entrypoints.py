"""The server entry points (``kuzbib_site.wsgi`` for gunicorn, ``kuzbib_site.celery`` for workers
and beat) load the production settings when DJANGO_SETTINGS_MODULE is not set: a server started
without configuration stops with a clear message instead of running in debug with the public
development key. Checked in fresh interpreters with a cleaned environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.services  # fresh interpreters

ROOT = Path(__file__).resolve().parents[2]

# Everything a deployment sets that the production settings read; none of it is inherited.
CONFIGURATION = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "-Entrypoint-Secret-For-The-Check-0123456789",
    "ALLOWED_HOSTS": "kuzbib.example",
    # Nothing connects while the settings load: the addresses need not answer.
    "DATABASE_URL": "postgres://kuzbib@127.0.0.1:5432/kuzbib",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}

WSGI = """
import json
import kuzbib_site.wsgi
from django.conf import settings
print(json.dumps({"module": settings.SETTINGS_MODULE, "debug": settings.DEBUG}))
"""

CELERY = """
import json
from kuzbib_site.celery import app
eager = app.conf.task_always_eager  # reading the configuration loads Django's settings
from django.conf import settings
print(json.dumps({"module": settings.SETTINGS_MODULE, "debug": settings.DEBUG, "eager": eager}))
"""


def run(probe, **env):
    clean = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("probe", [WSGI, CELERY], ids=["wsgi", "celery"])
def test_an_entry_point_without_configuration_refuses_to_start(probe):
    result = run(probe)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert name in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("probe", [WSGI, CELERY], ids=["wsgi", "celery"])
def test_an_entry_point_with_configuration_runs_production_without_debug(probe):
    result = run(probe, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["module"] == "kuzbib_site.settings.production"
    assert data["debug"] is False
    if "eager" in data:
        assert data["eager"] is False  # a real broker, as a production worker needs


def test_manage_py_still_defaults_to_development():
    result = run(
        "import runpy, sys; sys.argv = ['manage.py', 'diffsettings']; "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    assert result.returncode == 0, result.stderr
    assert "SETTINGS_MODULE = 'kuzbib_site.settings.dev'" in result.stdout
    assert "DEBUG = True" in result.stdout
