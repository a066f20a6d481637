"""The dynasties tests' shared fixtures: a festival taking applications under the home page, a
municipality, media in the test's folder, and an empty cache (page renditions and the public
forms' throttle counters live there)."""

import pytest
from django.core.cache import cache

from tests.factories import MunicipalityFactory
from tests.factories.dynasties import FestivalPageFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def festival(home_page):
    return FestivalPageFactory(parent=home_page)


@pytest.fixture
def municipality():
    return MunicipalityFactory(name="Кемерово")
