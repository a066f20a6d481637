import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_proceedings_builds"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="conferencepage",
            name="cover_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Shown on the event's card and at the top of its page. Without one the "
                "card shows a pattern.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="cover image",
            ),
        ),
        migrations.AddField(
            model_name="sectionsessionpage",
            name="cover_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Shown on the event's card and at the top of its page. Without one the "
                "card shows a pattern.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="cover image",
            ),
        ),
    ]
