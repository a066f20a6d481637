"""The ``kuzbib_russian`` text-search configuration used by Wagtail's database search backend
on PostgreSQL: Russian snowball stemming after folding ё to е (and stripping accents) with the
``unaccent`` dictionary, so that «шахтёр» finds «шахтеров». Nothing to do on SQLite."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kuzbib_russian') THEN
        CREATE TEXT SEARCH CONFIGURATION kuzbib_russian (COPY = russian);
        ALTER TEXT SEARCH CONFIGURATION kuzbib_russian
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, russian_stem;
    END IF;
END
$$;
"""

DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS kuzbib_russian;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("base", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
