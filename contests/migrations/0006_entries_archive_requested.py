"""The entries archives' states become the builds' own: «pending» is «requested» (queued);
«ready» and «failed» stay. Its own migration (so its own transaction): on PostgreSQL a table
whose rows a transaction updated cannot then be altered in it."""

from django.db import migrations


def pending_to_requested(apps, schema_editor):
    archives = apps.get_model("contests", "EntriesArchive")
    archives.objects.filter(status="pending").update(status="requested")


def requested_to_pending(apps, schema_editor):
    # «running» has no older name: a build under way is «pending» again.
    archives = apps.get_model("contests", "EntriesArchive")
    archives.objects.filter(status__in=["requested", "running"]).update(status="pending")


class Migration(migrations.Migration):
    dependencies = [("contests", "0005_entries_archive_background_build")]

    operations = [migrations.RunPython(pending_to_requested, requested_to_pending)]
