"""The site's pages moved from the core app ``base`` to ``home`` (base 0003, home 0001): a
database made before the move keeps its pages, their content types (by id) and featured pages,
and they render; moving back restores the old labels."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Site

from kuzbib_site.home.models import HomePage, HomePageFeatured, StandardPage
from tests.conftest import ensure_wagtail_root

BEFORE_THE_MOVE = [("base", "0002_russian_search_configuration"), ("home", None)]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state([node for node in targets if node[1]]).apps


def add_child(apps, parent, model, **fields):
    """A page made with the historical models (no treebeard methods): the next path below
    ``parent``, and the parent's child count."""
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=model._meta.app_label, model=model._meta.model_name
    )
    position = parent.numchild + 1
    page = model.objects.create(
        path=f"{parent.path}{position:04d}",
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{fields['slug']}/",
        content_type=content_type,
        locale_id=parent.locale_id,
        live=True,
        **fields,
    )
    parent.numchild = position
    parent.save(update_fields=["numchild"])
    return page


@pytest.mark.django_db(transaction=True)
def test_pages_made_before_the_move_keep_working(client):
    root_pk = ensure_wagtail_root().pk
    try:
        old = migrate(BEFORE_THE_MOVE)
        root = old.get_model("wagtailcore", "Page").objects.get(pk=root_pk)
        home = add_child(
            old, root, old.get_model("base", "HomePage"), title="До переезда", slug="old"
        )
        home = old.get_model("base", "HomePage").objects.get(pk=home.pk)
        about = add_child(
            old,
            home,
            old.get_model("base", "StandardPage"),
            title="О нас",
            slug="about",
            intro="Старая страница.",
        )
        old.get_model("base", "HomePageFeatured").objects.create(home=home, page_id=about.pk)
        old_type = old.get_model("contenttypes", "ContentType").objects.get(
            app_label="base", model="homepage"
        )
    finally:
        migrate()

    moved = ContentType.objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("home", "homepage")
    assert not ContentType.objects.filter(app_label="base", model__endswith="page").exists()
    page = Page.objects.get(pk=home.pk).specific
    assert isinstance(page, HomePage)
    assert isinstance(Page.objects.get(pk=about.pk).specific, StandardPage)
    assert list(HomePageFeatured.objects.filter(home=page).values_list("page", flat=True)) == [
        about.pk
    ]
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page_id": page.pk}
    )
    Site.clear_site_root_paths_cache()
    assert "До переезда" in client.get("/").content.decode()
    assert "Старая страница." in client.get("/about/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone():
    ensure_wagtail_root()
    try:
        migrate(BEFORE_THE_MOVE)
        labels = set(
            ContentType.objects.filter(model="standardpage").values_list("app_label", flat=True)
        )
        tables = set(connection.introspection.table_names())
    finally:
        migrate()
    assert "base" in labels
    assert {"base_homepage", "base_standardpage"} <= tables and "home_homepage" not in tables
    assert "home_homepage" in connection.introspection.table_names()
