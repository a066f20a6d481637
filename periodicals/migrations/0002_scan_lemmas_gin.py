"""On PostgreSQL, a GIN index on exactly the expression the shared ``has_lemmas`` lookup searches
(``to_tsvector('simple', lemmas)``, as for the site's ``LemmaEntry``): the archive's search reads
every page of every issue. SQLite matches whole words with LIKE and gets no index."""

from django.db import migrations

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS periodicals_scan_lemmas_gin ON periodicals_scan "
    "USING gin (to_tsvector('simple'::regconfig, lemmas))"
)
DROP_INDEX = "DROP INDEX IF EXISTS periodicals_scan_lemmas_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [("periodicals", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
