"""The world the permission matrix is requested in: a home page, a conference with sessions,
a resolution and a call for papers, a contest with processed entries and their ZIP, a public
document, «Маркерова»'s registration, proposal and entry (the markers), the participant's own,
and the staff users (a section leader, a view-only user, an editor).

The contest is judged blind, and judging is open: its jury is a chair and a juror (the roles
CHAIR and JUROR, users without admin access) and a member invited who has not set a password
yet. Маркерова's file names her where blind judging must hide it — her name and e-mail in its
text (redacted for jurors) and in its XMP metadata (stripped from the jury's copy) — and the
organisers accepted the «may reveal the author» flags that raised, so judging could open; the
juror has a draft sheet for her entry. A second contest, judged the year before by the same
chair, has its results published, diplomas, protocol and winners' collection built: the
participant won it and holds her diploma's private link and verification code. Маркерова did
not enter it.

The festival of library dynasties takes applications: it has a published dynasty, Маркерова's
family's application (she is its contact person) with a photo processing made ready, and the
participant's family's own, whose private link she holds."""

import datetime
import io

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Page, Site

from .routes import CHAIR, EDITOR, JUROR, LEADER, VIEWER

#: A sentence of Маркерова's work on its second page: her name and e-mail in the text the jury
#: reads, where blind judging redacts them.
SIGNED = "Проект подготовила {name}, {email}; вопросы присылайте по адресу."
#: What stays of that sentence around the redacted name: the juror's page shows it.
SIGNED_WITNESS = "вопросы присылайте по адресу"


def build_world(media_root):
    from contests import archive, processing, submission
    from contests.models import Criterion, Stage
    from dynasties import photos as dynasty_photos
    from dynasties.domain.application import add_photos
    from events.models import Proposal
    from heroes_archive.models import HeroImport
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
    from tests.factories.dynasties import (
        ApplicationFactory,
        DynastyPageFactory,
        FestivalPageFactory,
    )
    from tests.factories.events import RegistrationFactory, at
    from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

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

    contests = ContestIndexPageFactory(parent=home)
    contest = ContestPageFactory(
        parent=contests,
        slug="knyaginya",
        title="КНИГИНЯ-2026",
        entry_prefix="КНИГИНЯ-2026",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=60),
        age_reference_date=timezone.localdate(),
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    StageFactory(
        contest=contest,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=10),
    )
    contest.save_revision().publish()
    StageFactory(
        contest=contest,
        kind=Stage.Kind.JUDGING,
        title="Оценка работ",
        start=now - datetime.timedelta(hours=1),
        end=now + datetime.timedelta(days=20),
    )
    Criterion.objects.create(contest=contest, name="Актуальность", weight=2, max_score=10)
    signed = signed_pdf(victim)
    entry = submission.submit(
        contest, entry_data(contest, **victim), uploads(("работа.pdf", signed, "pdf"))
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
    assert not stored.preview_shows_author, "the first page is the jury's preview"
    assert stored.blind_file, "the jury's copy of the file"
    ready = archive.request(contest, None)
    archive.build(ready.pk)

    # The heroes archive: a hero, and a spreadsheet an editor uploaded (its admin pages).
    heroes = HeroIndexPageFactory(parent=home)
    HeroPageFactory(parent=heroes, surname="Шахтёров")
    hero_import = HeroImport.objects.create(
        index_page=heroes,
        source=ContentFile("Идентификатор;Фамилия\n".encode(), name="heroes.csv"),
        original_name="герои.csv",
        file_format=HeroImport.Format.CSV,
    )

    # The union catalogue of periodicals: a holdings file an editor uploaded (its admin pages;
    # the archive below has the public catalogue and its exports).
    from periodicals.models import HoldingsImport  # noqa: PLC0415

    holdings_import = HoldingsImport.objects.create(
        file=ContentFile(b"issn;year\n0235-8867;1957\n", name="fond.csv"),
        original_name="fond.csv",
        format=HoldingsImport.Format.CSV,
    )

    # The festival of library dynasties: a dynasty, and two families' applications.
    festival = FestivalPageFactory(parent=home, slug="festival")
    DynastyPageFactory(parent=festival, family_name="Ивановы", slug="ivanovy")
    application = ApplicationFactory(festival=festival, **victim)
    (photo,) = add_photos(
        application,
        [{"file": SimpleUploadedFile("семья.jpg", sample.image("jpeg")), "kind": "jpeg"}],
    )
    assert dynasty_photos.run(photo.pk), "the photo route needs a processed photo"
    own_application = ApplicationFactory(
        festival=festival, last_name="Участникова", first_name="Ольга", email="own@example.ru"
    )

    # The periodicals archive: a title of 1957 (its search and calendar are public), an open
    # issue with a processed page of OCR text, its thumbnail, and a reader's correction of one
    # of its lines waiting for an editor.
    from periodicals.domain import corrections

    issue, scan = periodical_issue(home)
    correction = corrections.suggest(scan, "line_1", "Шахта «Северная» выполнила норму")

    users = make_users(methodology, session, conference)
    jury = judge(contest, entry, users)
    published = published_contest(contests, users[CHAIR])
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
        "hero_import": hero_import,
        "holdings_import": holdings_import,
        "festival": festival,
        "application": application,
        "application_photo": photo,
        "issue": issue,
        "scan": scan,
        "correction": correction,
        "tokens": {
            conference.pk: {
                "registration": own_registration.token,
                "proposal": own_proposal.token,
            },
            contest.pk: {"entry": own_entry.token},
            published["contest"].pk: {"entry": published["own_entry"].token},
            festival.pk: {"application": own_application.token},
        },
        # The routes of a contest's page whose answer depends on where its judging stands.
        "variants": {contest.pk: "before publication"},
        "published": published,
        **jury,
        "users": users,
        "media": media_root,
    }


def signed_pdf(victim):
    """Маркерова's work: a first page without her name (the jury's preview), her name and
    e-mail in the second page's text, and in the XMP metadata as its creator (UTF-8 in the
    file's bytes, where the markers check finds it in the original and must not in the jury's
    copy)."""
    from pypdf import PdfReader, PdfWriter

    from tests.factories import files as sample

    name = f"{victim['last_name']} {victim['first_name']}"
    writer = PdfWriter(
        clone_from=PdfReader(
            io.BytesIO(
                sample.pdf_pages(
                    "Клуб чтения для подростков: цели, участники и план встреч на год.",
                    SIGNED.format(name=name, email=victim["email"]),
                )
            )
        )
    )
    writer.add_metadata({"/Author": name})
    writer.xmp_metadata = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{name}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert victim["last_name"].encode() in data, "the original file carries the marker"
    return data


def judge(contest, entry, users):
    """The world contest's jury (CHAIR, JUROR and a member still to set a password) and its
    judging opened as the jury room's chair opens it: the «may reveal the author» flags of
    Маркерова's entry accepted first, then the assignments made. The juror saves a draft
    sheet for her entry."""
    from contests import invitations
    from contests.domain import entry as entry_domain
    from contests.domain import judging, score_sheet
    from contests.models import Assignment, EntryFlag, JuryMember

    chair = invitations.add_member(contest, users[CHAIR].email, role=JuryMember.Role.CHAIR)
    juror = invitations.add_member(contest, users[JUROR].email)
    invited = invitations.add_member(
        contest, "invited@example.org", first_name="Вера", last_name="Приглашённая"
    )
    flags = list(EntryFlag.objects.filter(entry=entry, kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR))
    assert flags, "Маркерова's file names her: the anonymity check flags it"
    for flag in flags:
        assert entry_domain.accept_reveal_flag(flag, users[EDITOR])
    judging.open_judging(contest, chair.user)
    assigned = Assignment.objects.get(juror=juror, entry=entry)
    cleaned = {
        criterion.pk: (7, False, "Хорошо продуманный план.")
        for criterion in score_sheet.criteria_for(entry)
    }
    cleaned[score_sheet.OVERALL] = ""
    outcome = score_sheet.save(assigned, cleaned, juror.user, 0)
    assert outcome.ok, outcome.errors
    return {
        "flag": flags[0],
        "chair_member": chair,
        "juror_member": juror,
        "sheet": outcome.sheet,
        # The invitation's link of the member who has not set a password yet: its arguments.
        "welcome": resolve(invitations.welcome_path(invited.user)).kwargs,
    }


def periodical_issue(home):
    """An issue of a title in the archive, with one processed page (its ALTO has ``line_1``),
    its master image and its IIIF tiles in scan storage."""
    from tests.factories.periodicals import (
        IssuePageFactory,
        PeriodicalsIndexPageFactory,
        TitlePageFactory,
    )
    from tests.periodicals.corrections_data import make_scan
    from tests.periodicals.reader_world import page_image, write_tiles

    archive = PeriodicalsIndexPageFactory(parent=home)
    title = TitlePageFactory(parent=archive, slug="znamya", first_year=1957, last_year=1957)
    issue = IssuePageFactory(parent=title, date=datetime.date(1957, 5, 9))
    scan = make_scan(issue)
    # Its master image and IIIF tiles (the thumbnail among them), as the ingest writes them:
    # the reader's routes serve them.
    image = page_image([], scan.width, scan.height)
    scan.image.save("master.jpg", ContentFile(image.jpegsave_buffer()), save=False)
    write_tiles(scan, image)
    scan.tiled = True
    scan.save(update_fields=["image", "tiled"])
    return issue, scan


def published_contest(index, chair):
    """Last year's contest under ``index``, chaired by ``chair``: three entries, the
    participant's the best, scored by two jurors, judging closed and the results published
    through the jury's own functions; its diplomas, protocol and winners' collection built."""
    from contests import collection, diplomas, invitations, protocol
    from contests.domain import judging, score_sheet
    from contests.models import Diploma, JuryMember
    from tests.factories.jury import EntryFactory, judged_contest

    contest = judged_contest(
        index,
        entries=2,
        jurors=0,
        title="КНИГИНЯ-2025",
        slug="knyaginya-2025",
        entry_prefix="КНИГИНЯ-2025",
    )
    contest.save_revision().publish()
    own_entry = EntryFactory(
        contest=contest, last_name="Участникова", first_name="Ольга", email="own@example.ru"
    )
    invitations.add_member(contest, chair.email, role=JuryMember.Role.CHAIR)
    invitations.add_member(contest, "member2025@example.org", last_name="Оценщикова")
    judging.open_judging(contest, chair)
    for member in contest.jury.select_related("user"):
        for assigned in member.assignments.select_related("entry"):
            # The participant's entry first, the others after it: no tie on the podium.
            behind = 0 if assigned.entry_id == own_entry.pk else assigned.entry.number
            cleaned = {
                criterion.pk: (criterion.max_score - behind, False, "")
                for criterion in score_sheet.criteria_for(assigned.entry)
            }
            cleaned[score_sheet.OVERALL] = ""
            outcome = score_sheet.save(assigned, cleaned, member.user, 0, submit=True)
            assert outcome.ok, outcome.errors
    judging.close(contest, chair)
    judging.publish(contest, chair)
    built = {}
    for key, module in (("diplomas", diplomas), ("protocol", protocol), ("collection", collection)):
        build = module.request(contest, chair)
        module.build(build.pk)
        build.refresh_from_db()
        assert build.status == build.Status.READY, build.error
        built[key] = build
    diploma = Diploma.objects.get(entry=own_entry)
    assert diploma.file, "the participant's diploma to download"
    return {"contest": contest, "own_entry": own_entry, "code": diploma.code, "builds": built}


def make_users(methodology, session, conference):
    from django.contrib.auth import get_user_model

    from tests.factories.events import section_leader

    user_model = get_user_model()
    access_admin = Permission.objects.get(codename="access_admin")
    personal = Permission.objects.filter(
        content_type__app_label__in=["events", "contests", "dynasties"],
        content_type__model__in=["registration", "proposal", "entry", "application"],
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
            content_type__app_label__in=[
                "events",
                "contests",
                "base",
                "heroes_archive",
                "dynasties",
                "periodicals",
            ],
        ),
    )
    # The jury: users without admin access, made jurors of the contests by ``judge`` and
    # ``published_contest`` (the jury room's invitation finds them by their address).
    juror = user_model.objects.create_user(
        "juror", email="juror@example.org", first_name="Юлия", last_name="Судейкина"
    )
    chair = user_model.objects.create_user(
        "chair", email="chair@example.org", first_name="Павел", last_name="Председателев"
    )
    return {LEADER: leader, VIEWER: viewer, EDITOR: editor, JUROR: juror, CHAIR: chair}
