"""The lemmatised index of the site's pages (``kuzbib_site.base.lemma_index``): one row per live
page with the distinct lemmas of its text, and on PostgreSQL a GIN index on exactly the
expression the ``has_lemmas`` lookup searches (``to_tsvector('simple', lemmas)``). SQLite matches
whole words with LIKE and gets no index.

The index starts empty: ``manage.py rebuild_lemma_index`` fills it for the pages already there."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import kuzbib_site.base.models.lemmas

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS base_lemmaentry_lemmas_gin ON base_lemmaentry "
    "USING gin (to_tsvector('simple'::regconfig, lemmas))"
)
DROP_INDEX = "DROP INDEX IF EXISTS base_lemmaentry_lemmas_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("base", "0003_site_pages_move_to_home"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="LemmaEntry",
            fields=[
                (
                    "page",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="lemma_entry",
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                        verbose_name="page",
                    ),
                ),
                ("lemmas", kuzbib_site.base.models.lemmas.LemmaText(verbose_name="lemmas")),
                (
                    "title_lemmas",
                    kuzbib_site.base.models.lemmas.LemmaText(verbose_name="lemmas of the title"),
                ),
            ],
            options={
                "verbose_name": "lemma index entry",
                "verbose_name_plural": "lemma index entries",
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
