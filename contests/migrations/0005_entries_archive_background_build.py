"""EntriesArchive becomes a ``BackgroundBuild`` (kuzbib_site.base): ``created_at`` is renamed
``requested_at``, ``started_at`` is added and the status takes the builds' states; 0006 maps the
rows' states. Existing rows and their files are kept."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import contests.models


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0004_personal_data_retention_guardian_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="entriesarchive", old_name="created_at", new_name="requested_at"
        ),
        migrations.AlterField(
            model_name="entriesarchive",
            name="requested_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="requested at"
            ),
        ),
        migrations.AddField(
            model_name="entriesarchive",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started at"),
        ),
        migrations.AlterField(
            model_name="entriesarchive",
            name="status",
            field=models.CharField(
                choices=[
                    ("requested", "queued"),
                    ("running", "being built"),
                    ("ready", "ready"),
                    ("failed", "failed"),
                ],
                default="requested",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="entriesarchive",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="entriesarchive",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=contests.models.entry_storage,
                upload_to="archives/",
                verbose_name="file",
            ),
        ),
        migrations.AlterField(
            model_name="entriesarchive",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AlterField(
            model_name="entriesarchive",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="requested by",
            ),
        ),
        migrations.AlterModelOptions(
            name="entriesarchive",
            options={
                "get_latest_by": "requested_at",
                "ordering": ["-requested_at", "-pk"],
                "verbose_name": "entries archive",
                "verbose_name_plural": "entries archives",
            },
        ),
    ]
