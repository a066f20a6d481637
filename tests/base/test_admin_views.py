"""Our admin pages end their breadcrumb trail with their own title, which Wagtail's header
shows as the page's heading (kuzbib_site.base.admin_views.AdminPageMixin)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories.jury import UserFactory
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("periodicals_corrections", "Text corrections"),
        ("periodicals_holdings_imports", "Import holdings"),
        ("heroes_imports", "Import heroes"),
    ],
)
def test_an_admin_page_is_headed_by_its_own_title(client, home_page, url_name, title):
    client.force_login(UserFactory(username="главред", is_superuser=True))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    # The visible heading is the trail's last item (the h1 is for screen readers only).
    shown = page.select("[data-w-breadcrumbs] nav ol > li")[-1].get_text(" ", strip=True)
    assert shown == in_site_language(title)
    assert page.select_one("h1").get_text(" ", strip=True) == in_site_language(title)
