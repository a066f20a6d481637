"""People and pages chosen in the admin become ordered links (section members, session moderators,
talk speakers, the pages carrying out a resolution item), edited with Wagtail's choosers instead
of Ctrl-click lists.

Each many-to-many table is copied into its link model in the order the rows were made, and the
pages' revisions are rewritten the same way (a revision named the people as a list of ids; it now
holds the links), so that the editor, the history and a draft awaiting publication keep every
person. Going back copies the links into the old tables and the revisions back into lists.
"""

import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models

#: (model holding the list, its old field, the link model, the link's key to the model, the
#: link's key to the chosen person or page, the revisions' name of the links)
LINKS = [
    ("sectionpage", "members", "SectionMember", "section", "person", "member_links"),
    (
        "sectionsessionpage",
        "moderators",
        "SessionModerator",
        "session",
        "person",
        "moderator_links",
    ),
    ("talk", "speakers", "TalkSpeaker", "talk", "person", "speaker_links"),
    (
        "resolutionitem",
        "carried_out_by",
        "ResolutionItemPage",
        "item",
        "page",
        "carrying_out_links",
    ),
]
LINK_OF = {link[0]: link for link in LINKS}


def _old_through(apps, model_name, field_name):
    field = apps.get_model("events", model_name)._meta.get_field(field_name)
    return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()


def copy_into_links(apps, schema_editor):
    for model_name, field_name, link_name, parent, target, _links in LINKS:
        through, source_key, target_key = _old_through(apps, model_name, field_name)
        link_model = apps.get_model("events", link_name)
        counts = {}
        links = []
        for parent_id, target_id in through.objects.order_by("pk").values_list(
            f"{source_key}_id", f"{target_key}_id"
        ):
            order = counts[parent_id] = counts.get(parent_id, -1) + 1
            links.append(
                link_model(
                    **{f"{parent}_id": parent_id, f"{target}_id": target_id, "sort_order": order}
                )
            )
        link_model.objects.bulk_create(links)


def copy_back(apps, schema_editor):
    for model_name, field_name, link_name, parent, target, _links in LINKS:
        through, source_key, target_key = _old_through(apps, model_name, field_name)
        link_model = apps.get_model("events", link_name)
        rows = link_model.objects.order_by(parent, "sort_order", "pk").values_list(
            f"{parent}_id", f"{target}_id"
        )
        through.objects.bulk_create(
            [
                through(**{f"{source_key}_id": parent_id, f"{target_key}_id": target_id})
                for parent_id, target_id in rows
            ]
        )


def _link_ids(apps, model_name):
    """{(parent id, chosen id): link id} of the links just made, so that a revision's links are
    the saved rows rather than new ones."""
    _model, _field, link_name, parent, target, _links = LINK_OF[model_name]
    rows = apps.get_model("events", link_name).objects.values_list(
        "pk", f"{parent}_id", f"{target}_id"
    )
    return {(parent_id, target_id): pk for pk, parent_id, target_id in rows}


def _to_links(data, model_name, ids):
    _model, field_name, _link, parent, target, links_name = LINK_OF[model_name]
    if field_name not in data:
        return False
    chosen = data.pop(field_name) or []
    data[links_name] = [
        {
            "pk": ids.get((data.get("pk"), target_id)),
            parent: data.get("pk"),
            "sort_order": n,
            target: target_id,
        }
        for n, target_id in enumerate(chosen)
    ]
    return True


def _to_list(data, model_name, ids):
    _model, field_name, _link, _parent, target, links_name = LINK_OF[model_name]
    if links_name not in data:
        return False
    links = sorted(data.pop(links_name) or [], key=lambda link: link.get("sort_order") or 0)
    data[field_name] = [link[target] for link in links]
    return True


def _rewrite_revisions(apps, convert):
    content_types = apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="events", model__in=["sectionpage", "sectionsessionpage"]
    )
    revisions = apps.get_model("wagtailcore", "Revision").objects.filter(
        content_type__in=content_types
    )
    ids = {name: _link_ids(apps, name) for name in ("sectionpage", "sectionsessionpage", "talk")}
    for revision in revisions.select_related("content_type").iterator():
        content = revision.content
        model_name = revision.content_type.model
        changed = convert(content, model_name, ids[model_name])
        if model_name == "sectionsessionpage":
            for talk in content.get("talks") or []:
                changed = convert(talk, "talk", ids["talk"]) or changed
        if changed:
            revision.content = content
            revision.save(update_fields=["content"])


def revisions_into_links(apps, schema_editor):
    _rewrite_revisions(apps, _to_links)


def revisions_back(apps, schema_editor):
    _rewrite_revisions(apps, _to_list)


class Migration(migrations.Migration):
    dependencies = [
        ("base", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0010_cover_images"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SectionMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="base.person",
                        verbose_name="member",
                    ),
                ),
                (
                    "section",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="member_links",
                        to="events.sectionpage",
                    ),
                ),
            ],
            options={
                "verbose_name": "member",
                "verbose_name_plural": "members",
                "ordering": ["sort_order", "pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("section", "person"), name="one_link_per_member"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SessionModerator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="base.person",
                        verbose_name="moderator",
                    ),
                ),
                (
                    "session",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="moderator_links",
                        to="events.sectionsessionpage",
                    ),
                ),
            ],
            options={
                "verbose_name": "moderator",
                "verbose_name_plural": "moderators",
                "ordering": ["sort_order", "pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "person"), name="one_link_per_moderator"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TalkSpeaker",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="base.person",
                        verbose_name="speaker",
                    ),
                ),
                (
                    "talk",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="speaker_links",
                        to="events.talk",
                    ),
                ),
            ],
            options={
                "verbose_name": "speaker",
                "verbose_name_plural": "speakers",
                "ordering": ["sort_order", "pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("talk", "person"), name="one_link_per_speaker")
                ],
            },
        ),
        migrations.CreateModel(
            name="ResolutionItemPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "item",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="carrying_out_links",
                        to="events.resolutionitem",
                    ),
                ),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.WAGTAIL_PAGE_MODEL,
                        verbose_name="page",
                    ),
                ),
            ],
            options={
                "verbose_name": "page carrying the item out",
                "verbose_name_plural": "pages carrying the item out",
                "ordering": ["sort_order", "pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("item", "page"), name="one_link_per_page")
                ],
            },
        ),
        migrations.RunPython(copy_into_links, copy_back),
        migrations.RunPython(revisions_into_links, revisions_back),
        migrations.RemoveField(model_name="sectionpage", name="members"),
        migrations.RemoveField(model_name="sectionsessionpage", name="moderators"),
        migrations.RemoveField(model_name="talk", name="speakers"),
        migrations.RemoveField(model_name="resolutionitem", name="carried_out_by"),
        migrations.AddField(
            model_name="sectionpage",
            name="members",
            field=models.ManyToManyField(
                blank=True,
                related_name="sections",
                through="events.SectionMember",
                to="base.person",
                verbose_name="members",
            ),
        ),
        migrations.AddField(
            model_name="sectionsessionpage",
            name="moderators",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="events.SessionModerator",
                to="base.person",
                verbose_name="moderators",
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="speakers",
            field=models.ManyToManyField(
                related_name="talks",
                through="events.TalkSpeaker",
                to="base.person",
                verbose_name="speakers",
            ),
        ),
        migrations.AddField(
            model_name="resolutionitem",
            name="carried_out_by",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="events.ResolutionItemPage",
                to=settings.WAGTAIL_PAGE_MODEL,
                verbose_name="carried out by",
            ),
        ),
    ]
