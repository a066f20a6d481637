"""The dynasty page's editor shows the family as last saved: the figures and the tree the public
page will show (dynasties.panels.FamilyPanel)."""

import pytest
from django.urls import reverse

from dynasties.family import figures
from tests.factories.dynasties import DynastyPageFactory, three_generations

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktor", "r@example.org", "x")
    client.force_login(user)
    return client


def test_the_editor_shows_the_saved_familys_figures_and_tree(editor, festival):
    page = DynastyPageFactory(parent=festival, family_name="Ивановы")
    expected = figures(three_generations())

    response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="family-tree__svg"' in html and "Иванова" in html
    assert f"<dd>{expected.service_years}</dd>" in html
    assert f"<dd>{expected.generations}</dd>" in html


def test_a_new_dynasty_says_where_the_tree_will_appear(editor, festival):
    url = reverse("wagtailadmin_pages:add", args=["dynasties", "dynastypage", festival.pk])
    html = editor.get(url).content.decode()
    assert 'class="family-tree__svg"' not in html
    assert "dynasty-editor-family" in html
