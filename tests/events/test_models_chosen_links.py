"""People and pages chosen in the admin (section members, session moderators, talk speakers, the
pages carrying out a resolution item) are ordered links since migration 0011: the links and the
pages' revisions made before it keep every person and page, in their order, and going back
writes them into the old lists again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events.models import ResolutionItem, SectionPage, SectionSessionPage, Talk
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("events", "0010_cover_images")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_list(apps, model_name, field_name, pk):
    """The ids in an old many-to-many list, in the order they were added."""
    field = apps.get_model("events", model_name)._meta.get_field(field_name)
    through = field.remote_field.through
    return list(
        through.objects.filter(**{f"{field.m2m_field_name()}_id": pk})
        .order_by("pk")
        .values_list(f"{field.m2m_reverse_field_name()}_id", flat=True)
    )


@pytest.fixture
def chosen(conference_tree):
    """Before 0011: a section with two members, a session with two moderators and a draft that
    adds a talk, an item carried out by two pages — each list in an order that is not the ids'."""
    first, second = PersonFactory(last_name="Яковлева"), PersonFactory(last_name="Абрамова")
    session = conference_tree["sessions"][0]
    section = conference_tree["methodology"]
    item = ResolutionItem.objects.get(number="4.1")
    try:
        old = migrate(BEFORE)
        for model_name, field_name, pk, ids in (
            ("sectionpage", "members", section.pk, [second.pk, first.pk]),
            ("sectionsessionpage", "moderators", session.pk, [second.pk, first.pk]),
            (
                "resolutionitem",
                "carried_out_by",
                item.pk,
                [conference_tree["events"].pk, conference_tree["conference"].pk],
            ),
        ):
            field = old.get_model("events", model_name)._meta.get_field(field_name)
            through = field.remote_field.through
            for chosen_id in ids:
                through.objects.create(
                    **{
                        f"{field.m2m_field_name()}_id": pk,
                        f"{field.m2m_reverse_field_name()}_id": chosen_id,
                    }
                )
        # A draft as revisions were saved before: the people as lists of ids.
        revisions = old.get_model("wagtailcore", "Revision")
        draft = revisions.objects.filter(object_id=str(session.pk)).latest("pk")
        content = draft.content
        content["moderators"] = [second.pk, first.pk]
        talk = dict(content["talks"][0], pk=None, title="Доклад из черновика")
        talk["speakers"] = [first.pk, second.pk]
        content["talks"].append(talk)
        draft.pk = None
        draft.content = content
        draft.save()
        old.get_model("wagtailcore", "Page").objects.filter(pk=session.pk).update(
            latest_revision=draft, has_unpublished_changes=True
        )
    finally:
        migrate()
    return {
        "people": (first, second),
        "session": session,
        "section": section,
        "item": item,
        "tree": conference_tree,
    }


def test_links_made_before_keep_their_people_pages_and_order(chosen):
    first, second = chosen["people"]
    session = SectionSessionPage.objects.get(pk=chosen["session"].pk)
    assert session.moderator_list == [second, first]
    assert set(session.moderators.all()) == {first, second}
    section = SectionPage.objects.get(pk=chosen["section"].pk)
    assert section.member_list == [second, first]
    item = ResolutionItem.objects.get(pk=chosen["item"].pk)
    tree = chosen["tree"]
    assert [page.pk for page in item.pages_carrying_out] == [
        tree["events"].pk,
        tree["conference"].pk,
    ]
    # The fixture's talks kept their speakers: Андреева alone, then Андреева and Белова.
    andreeva, belova = tree["speakers"]
    talks = Talk.objects.filter(session=session).order_by("sort_order", "pk")
    assert [set(talk.speaker_list) for talk in talks] == [{andreeva}, {andreeva, belova}]


def test_a_draft_made_before_keeps_the_people_of_its_new_talk(chosen):
    first, second = chosen["people"]
    session = SectionSessionPage.objects.get(pk=chosen["session"].pk)
    draft = session.get_latest_revision_as_object()
    assert draft.moderator_list == [second, first]
    talks = {talk.title: talk for talk in draft.talks.all()}
    assert talks["Доклад из черновика"].speaker_list == [first, second]
    # The links of saved talks are the saved rows, not copies.
    saved = [link for talk in draft.talks.all() if talk.pk for link in talk.speaker_links.all()]
    assert saved and all(link.pk for link in saved)
    # Publishing the old draft puts the new talk and its speakers on the live page.
    draft.get_latest_revision().publish()
    talk = Talk.objects.get(session=session, title="Доклад из черновика")
    assert talk.speaker_list == [first, second]
    assert set(talk.speakers.all()) == {first, second}


def test_going_back_writes_the_old_lists_again(chosen):
    first, second = chosen["people"]
    session, section = chosen["session"], chosen["section"]
    try:
        old = migrate(BEFORE)
        assert old_list(old, "sectionsessionpage", "moderators", session.pk) == [
            second.pk,
            first.pk,
        ]
        assert old_list(old, "sectionpage", "members", section.pk) == [second.pk, first.pk]
        revisions = old.get_model("wagtailcore", "Revision")
        draft = revisions.objects.filter(object_id=str(session.pk)).latest("pk").content
        assert "moderator_links" not in draft and draft["moderators"] == [second.pk, first.pk]
        new_talk = next(t for t in draft["talks"] if t["title"] == "Доклад из черновика")
        assert new_talk["speakers"] == [first.pk, second.pk] and "speaker_links" not in new_talk
    finally:
        migrate()
