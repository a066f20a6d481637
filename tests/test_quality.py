"""The project's own gates, so that `make test` alone keeps main releasable: lint, migrations,
and a complete Russian catalogue."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check_and_format_are_clean():
    ruff = Path(sys.executable).parent / "ruff"
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_migrations_are_committed():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


#: Our site's catalogue, and those the core and the plugins ship in their own locale/ folders.
CATALOGUES = [
    "locale",
    "kuzbib_site/base/locale",
    "events/locale",
    "contests/locale",
    "heroes_archive/locale",
    "dynasties/locale",
    "periodicals/locale",
]


@pytest.mark.parametrize("folder", CATALOGUES)
def test_russian_catalogue_is_complete(folder):
    catalogue = polib.pofile(ROOT / folder / "ru" / "LC_MESSAGES" / "django.po")
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert len(catalogue.translated_entries()) > 0
    assert untranslated == [] and fuzzy == []
