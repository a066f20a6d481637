"""Our site's pages (HomePage, HomePageFeatured, StandardPage, LibraryIndexPage) leave the shared
core for the ``home`` app (``kuzbib_site.home``), so that another site can install the core and
the domain apps without them.

Here they only leave the migration state: their tables stay, and ``home``'s first migration takes
them over (state, content types) and renames them. A site without the ``home`` app (a host site
installing the plugins) has no use for the empty tables ``0001_initial`` made, so they are dropped
there — unless they hold rows, which are never thrown away."""

from django.apps import apps as global_apps
from django.db import migrations

MODELS = ("HomePageFeatured", "HomePage", "StandardPage", "LibraryIndexPage")


def _without_home_app():
    return not global_apps.is_installed("kuzbib_site.home")


def drop_unused_tables(apps, schema_editor):
    if not _without_home_app():
        return
    tables = set(schema_editor.connection.introspection.table_names())
    models = [apps.get_model("base", name) for name in MODELS]
    present = [model for model in models if model._meta.db_table in tables]
    if any(model._base_manager.exists() for model in present):
        return
    for model in present:
        schema_editor.delete_model(model)


def restore_tables(apps, schema_editor):
    if not _without_home_app():
        return
    tables = set(schema_editor.connection.introspection.table_names())
    for name in reversed(MODELS):
        model = apps.get_model("base", name)
        if model._meta.db_table not in tables:
            schema_editor.create_model(model)


class Migration(migrations.Migration):
    dependencies = [("base", "0002_russian_search_configuration")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="homepagefeatured", name="home"),
                migrations.RemoveField(model_name="homepagefeatured", name="page"),
                migrations.RemoveField(model_name="libraryindexpage", name="page_ptr"),
                migrations.RemoveField(model_name="standardpage", name="page_ptr"),
                migrations.DeleteModel(name="HomePage"),
                migrations.DeleteModel(name="HomePageFeatured"),
                migrations.DeleteModel(name="LibraryIndexPage"),
                migrations.DeleteModel(name="StandardPage"),
            ],
            database_operations=[migrations.RunPython(drop_unused_tables, restore_tables)],
        ),
    ]
