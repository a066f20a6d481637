"""A registration keeps its person in the ``Applicant`` shape, like proposals and contest entries:
the full name («ФИО») typed in one field is stored as last name, first name and patronymic
(``events.models.registration.split_full_name``; ``full_name`` joins them back to the same text)."""

from django.db import migrations, models
import django.db.models.deletion

PART = 100


def split_names(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    for registration in Registration.objects.only("pk", "name").iterator():
        words = registration.name.split()
        Registration.objects.filter(pk=registration.pk).update(
            last_name=(words[0] if words else "")[:PART],
            first_name=(words[1] if len(words) > 1 else "")[:PART],
            patronymic=" ".join(words[2:])[:PART],
        )


def join_names(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    for registration in Registration.objects.only(
        "pk", "last_name", "first_name", "patronymic"
    ).iterator():
        parts = (registration.last_name, registration.first_name, registration.patronymic)
        Registration.objects.filter(pk=registration.pk).update(
            name=" ".join(part for part in parts if part)[:200]
        )


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0007_proposal_notified_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="last_name",
            field=models.CharField(default="", max_length=100, verbose_name="last name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="registration",
            name="first_name",
            field=models.CharField(default="", max_length=100, verbose_name="first name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="registration",
            name="patronymic",
            field=models.CharField(blank=True, max_length=100, verbose_name="patronymic"),
        ),
        migrations.RunPython(split_names, join_names, elidable=False),
        # Blank first, so that undoing the removal can add the column back to existing rows.
        migrations.AlterField(
            model_name="registration",
            name="name",
            field=models.CharField(blank=True, max_length=200, verbose_name="full name"),
        ),
        migrations.RemoveField(model_name="registration", name="name"),
        migrations.AlterField(
            model_name="registration",
            name="library",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="base.library",
                verbose_name="library",
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="new_library_name",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="library not in the directory"
            ),
        ),
    ]
