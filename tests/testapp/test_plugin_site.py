"""The plugins without our site: tests/testapp is a bare Wagtail project with only the core and
the plugins installed. Its tests (plugin_tests/) need its settings, which this pytest process
cannot switch to, so they run here in a process of their own."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.services, pytest.mark.slow]  # a pytest run of its own

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_TESTS = Path(__file__).resolve().parent / "plugin_tests"

# Nothing of this run's configuration reaches the host site's process.
OURS = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "KUZBIB_TEST_CACHE_URL"}


def clean_env(**extra):
    return {**{k: v for k, v in os.environ.items() if k not in OURS}, **extra}


def test_plugins_work_in_a_bare_wagtail_site(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(PLUGIN_TESTS / "pytest.ini"),
            str(PLUGIN_TESTS),
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=clean_env(KUZBIB_TESTAPP_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = re.search(r"(\d+) passed", output)
    assert summary and int(summary.group(1)) >= 9, output
    assert not re.search(r"\d+ (failed|errors?|skipped)\b", output), output


IMPORT_CORE = """
import os, sys
import kuzbib_site.base, kuzbib_site.base.conf
import events, contests, heroes_archive, dynasties, periodicals
print(os.environ.get("DJANGO_SETTINGS_MODULE"), "celery" in sys.modules,
      sorted(name for name in sys.modules if name.startswith("kuzbib_site.")))
"""


def test_importing_the_core_has_no_side_effects():
    """A host site imports the core and the plugins' packages before its own settings load:
    neither our settings module nor our Celery app may come with them."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_CORE],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2)[:2] == ["None", "False"], result.stdout
    assert "kuzbib_site.celery" not in result.stdout
    assert "kuzbib_site.settings" not in result.stdout
