"""The world the permission matrix is requested in: a home page, a conference with sessions,
a resolution and a call for papers, a contest with processed entries and their ZIP, a public
document, «Маркерова»'s registration, proposal and entry (the markers), the participant's own,
and the staff users (a section leader, a view-only user, an editor)."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Page, Site

from .routes import EDITOR, LEADER, VIEWER


def build_world(media_root):
    from contests import archive, processing, submission
    from events.models import Proposal
    from kuzbib_site.base.models import MembershipFee
    from tests.conftest import ensure_wagtail_root
    from tests.factories import (
        ConferencePageFactory,
        EventIndexPageFactory,
        HomePageFactory,
        LibraryFactory,
        PersonFactory,
        ResolutionItemFactory,
        ResolutionPageFactory,
        SectionIndexPageFactory,
        SectionPageFactory,
        SectionSessionPageFactory,
        TalkFactory,
    )
    from tests.factories import files as sample
    from tests.factories.contests import (
        ContestIndexPageFactory,
        ContestPageFactory,
        NominationFactory,
        StageFactory,
        entry_data,
        uploads,
    )
    from tests.factories.events import RegistrationFactory, at

    root = ensure_wagtail_root()
    home = HomePageFactory(parent=root, title="Кузбасские библиотеки", slug="kuzbib")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    Site.clear_site_root_paths_cache()
    events = EventIndexPageFactory(parent=home)
    sections = SectionIndexPageFactory(parent=home)
    methodology = SectionPageFactory(parent=sections, title="Методическая секция", slug="m")
    local_history = SectionPageFactory(parent=sections, title="Краеведческая секция", slug="lh")
    now = timezone.now()
    conference = ConferencePageFactory(
        parent=events,
        title="VIII Ежегодная сессия",
        slug="viii",
        number=8,
        cfp_opens=now - datetime.timedelta(days=1),
        cfp_closes=now + datetime.timedelta(days=10),
    )
    session = SectionSessionPageFactory(
        parent=conference, title="Заседание методической секции", section=methodology
    )
    TalkFactory(session=session, speakers=[PersonFactory(last_name="Андреева")])
    session.save_revision().publish()
    SectionSessionPageFactory(
        parent=conference, title="Пленарное заседание", format="plenary", start=at(10), end=at(12)
    ).save_revision().publish()
    conference.save_revision().publish()
    resolution = ResolutionPageFactory(parent=conference, slug="resolution")
    ResolutionItemFactory(resolution=resolution, number="4.1", assignee_section=methodology)
    MembershipFee.objects.create(library=LibraryFactory(), year=2009, amount=100)
    document = get_document_model().objects.create(
        title="Программа", file=ContentFile(b"%PDF-1.4 programme", name="programme.pdf")
    )

    victim = {
        "last_name": "Маркерова",
        "first_name": "Ирина",
        "email": "leak-marker@example.org",
    }
    registration = RegistrationFactory(
        conference=conference, name="Маркерова Ирина", email=victim["email"], attended=True
    )
    own_registration = RegistrationFactory(
        conference=conference, name="Участникова Ольга", email="own@example.ru"
    )
    proposal_fields = {
        "conference": conference,
        "title": "Доклад",
        "abstract": "Тезисы",
        "library": LibraryFactory(),
        "consent_given_at": now,
    }
    proposal = Proposal(section=local_history, **victim, **proposal_fields)
    proposal.file.save("тезисы.pdf", ContentFile(sample.pdf()), save=False)
    proposal.save()
    own_proposal = Proposal.objects.create(
        section=methodology,
        last_name="Участникова",
        first_name="Ольга",
        email="own@example.ru",
        **proposal_fields,
    )

    contest = ContestPageFactory(
        parent=ContestIndexPageFactory(parent=home),
        slug="knyaginya",
        title="КНИГИНЯ-2026",
        entry_prefix="КНИГИНЯ-2026",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=60),
        age_reference_date=now.date(),
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    StageFactory(
        contest=contest,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=10),
    )
    contest.save_revision().publish()
    entry = submission.submit(
        contest, entry_data(contest, **victim), uploads(("работа.pdf", sample.pdf(), "pdf"))
    )
    own_entry = submission.submit(
        contest,
        entry_data(contest, last_name="Участникова", email="own@example.ru"),
        uploads(("моя.pdf", sample.pdf(), "pdf")),
    )
    processing.run(entry.pk)
    processing.run(own_entry.pk)
    stored = entry.files.get()
    assert stored.preview, "the preview route needs a preview"
    ready = archive.request(contest, None)
    archive.build(ready.pk)

    users = make_users(methodology, session, conference)
    return {
        "home": home,
        "document": document,
        "conference": conference,
        "session": session,
        "resolution": resolution,
        "contest": contest,
        "registration": registration,
        "proposal": proposal,
        "entry": entry,
        "entry_file": stored,
        "archive": ready,
        "tokens": {
            "registration": own_registration.token,
            "proposal": own_proposal.token,
            "entry": own_entry.token,
        },
        "users": users,
        "media": media_root,
    }


def make_users(methodology, session, conference):
    from django.contrib.auth import get_user_model

    from tests.factories.events import section_leader

    user_model = get_user_model()
    access_admin = Permission.objects.get(codename="access_admin")
    personal = Permission.objects.filter(
        content_type__app_label__in=["events", "contests"],
        content_type__model__in=["registration", "proposal", "entry"],
    )

    # A section leader as kuzbib_site/demo/events.py makes one.
    leader = user_model.objects.create_user("leader", email="leader@example.org")
    section_leader(leader, (methodology, session), ("add_page", "change_page", "publish_page"))

    viewer = user_model.objects.create_user("viewer", email="viewer@example.org")
    viewer.user_permissions.add(access_admin, *personal.filter(codename__startswith="view_"))

    # An editor: Wagtail's «Editors» group (remade here: a transactional test elsewhere may have
    # emptied the table) publishing on the whole tree, and every permission of our apps.
    editor = user_model.objects.create_user("editor", email="editor@example.org")
    editors, _created = Group.objects.get_or_create(name="Editors")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(
                codename=codename, content_type__app_label="wagtailcore"
            ),
        )
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
            codename__regex=r"^(add|change|choose)_",
        )
    )
    editor.groups.add(editors)
    editor.user_permissions.add(
        access_admin,
        *personal,
        *Permission.objects.filter(
            content_type__app_label__in=["events", "contests", "base"],
        ),
    )
    return {LEADER: leader, VIEWER: viewer, EDITOR: editor}
