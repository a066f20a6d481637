"""A conference's proceedings keep their build state in ``ProceedingsBuild`` rows (a
``BackgroundBuild``) instead of four columns of the page: each page's last state becomes one build
(a queued or interrupted one is queued again, for the sweeper to send), and going back writes the
latest build's state into the columns again."""

import django.db.models.deletion
import django.utils.timezone
import kuzbib_site.base.models.builds
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# The page's proceedings_status → the build's status. A build that was being built when the site
# was updated is queued again: its worker's message names the conference, which the new task no
# longer takes, and the sweeper sends queued builds again.
FORWARD = {"pending": "requested", "building": "requested", "ready": "ready", "failed": "failed"}
BACKWARD = {"requested": "pending", "running": "building", "ready": "ready", "failed": "failed"}


def columns_to_builds(apps, schema_editor):
    ConferencePage = apps.get_model("events", "ConferencePage")
    ProceedingsBuild = apps.get_model("events", "ProceedingsBuild")
    pages = ConferencePage.objects.exclude(proceedings_status="none").values_list(
        "pk",
        "proceedings_status",
        "proceedings_error",
        "proceedings_requested_at",
        "proceedings_built_at",
    )
    for pk, status, error, requested_at, built_at in pages:
        status = FORWARD.get(status, "failed")
        ProceedingsBuild.objects.create(
            conference_id=pk,
            status=status,
            error=error,
            requested_at=requested_at or built_at or timezone.now(),
            finished_at=built_at if status == "ready" else None,
        )


def builds_to_columns(apps, schema_editor):
    ConferencePage = apps.get_model("events", "ConferencePage")
    ProceedingsBuild = apps.get_model("events", "ProceedingsBuild")
    for conference_id in ProceedingsBuild.objects.values_list(
        "conference_id", flat=True
    ).distinct():
        builds = ProceedingsBuild.objects.filter(conference_id=conference_id)
        latest = builds.order_by("-requested_at", "-pk").first()
        built = builds.filter(status="ready").order_by("-requested_at", "-pk").first()
        ConferencePage.objects.filter(pk=conference_id).update(
            proceedings_status=BACKWARD[latest.status],
            proceedings_error=latest.error,
            proceedings_requested_at=latest.requested_at,
            proceedings_built_at=built.finished_at if built else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_registration_applicant"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProceedingsBuild",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
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
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="requested at"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="started at"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=255,
                        storage=kuzbib_site.base.models.builds.build_storage,
                        upload_to=kuzbib_site.base.models.builds.build_upload_to,
                        verbose_name="file",
                    ),
                ),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proceedings_builds",
                        to="events.conferencepage",
                        verbose_name="conference",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "proceedings build",
                "verbose_name_plural": "proceedings builds",
                "ordering": ["-requested_at", "-pk"],
                "get_latest_by": "requested_at",
                "abstract": False,
            },
        ),
        migrations.RunPython(columns_to_builds, builds_to_columns),
        migrations.RemoveField(
            model_name="conferencepage",
            name="proceedings_built_at",
        ),
        migrations.RemoveField(
            model_name="conferencepage",
            name="proceedings_error",
        ),
        migrations.RemoveField(
            model_name="conferencepage",
            name="proceedings_requested_at",
        ),
        migrations.RemoveField(
            model_name="conferencepage",
            name="proceedings_status",
        ),
    ]
