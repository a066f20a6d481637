"""The anonymity check of blind judging: the participant's name in any case form, their library
and e-mail, found in a file's text, its metadata and its name; the copies for the jury without
author metadata (read again with the libraries that read them) and the redacted text; whether
the preview shows the author; hostile files; the flags through processing, re-processing and
the manager's «accept»; and what keeps judging of a blind contest from opening."""

import io
import zipfile
from urllib.parse import quote

import docx
import pptx
import pytest
from django.utils import translation
from django.utils.translation import gettext
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from contests import anonymity, archive, inspection, processing, submission
from contests.domain import entry as entries
from contests.models import EntriesArchive, Entry, EntryFlag
from kuzbib_site.demo import documents
from tests.contests.test_admin_processing import inspect_url
from tests.factories import files as sample
from tests.factories.contests import contest_staff, entry_data, uploads

KINDS = ["pdf", "docx", "pptx", "odt", "jpeg", "png"]
MB = 1024 * 1024
REVEAL = EntryFlag.Kind.MAY_REVEAL_AUTHOR


def participant(last_name="Иванова", first_name="Мария", patronymic="Петровна", **kwargs):
    library = kwargs.get("library", "Беловская ЦБС")
    email = kwargs.get("email", "m.ivanova@example.ru")
    return anonymity.Identity(
        anonymity.person_terms(last_name, first_name, patronymic)
        + anonymity.library_terms([library])
        + anonymity.email_terms(email)
    )


def found(identity, text):
    return [text[start:end] for _kind, start, end in identity.matches(text)]


def checked(name, data, identity=None):
    """``check_file`` as the pipeline runs it, after the inspection, in the site's language."""
    with translation.override("ru"):
        handle = io.BytesIO(data)
        report = inspection.inspect(handle, name, KINDS, 20 * MB)
        assert report.problem == "", report.problem
        return anonymity.check_file(handle, name, report, identity or participant())


def hidden():
    with translation.override("ru"):
        return gettext("[hidden]")


def place(msgid, **values):
    """Where a fragment says it was found, as the site's language says it."""
    with translation.override("ru"):
        return gettext(msgid) % values if values else gettext(msgid)


def metadata(field):
    return place("metadata «%(field)s»", field=field)


# --- Who the participant is ---------------------------------------------------------------------


def test_names_are_found_in_every_case_form_and_whole_words_only():
    ivanova = participant()
    text = (
        "Работу подготовила Иванова. Благодарим Марию Петровну Иванову; с Ивановой работали "
        "Ивановы, а семья Ивановых пришла вместе с ИВАНОВОЙ. Ива росла у дома, Иванов не пришёл."
    )
    assert found(ivanova, text) == [
        "Иванова",
        "Марию Петровну",
        "Иванову",
        "Ивановой",
        "Ивановы",
        "Ивановых",
        "ИВАНОВОЙ",
    ]
    assert found(ivanova, "доклад с Ивановым") == ["Ивановым"]  # «Ивановы» in the instrumental
    # ё and е are one letter; a surname pymorphy has never seen declines by its ending.
    assert found(participant("Семёнов", "Пётр", ""), "Работа Семенова и Семёнову") == [
        "Семенова",
        "Семёнову",
    ]
    assert found(participant("Кыштымова", "Ия", ""), "у Кыштымовой, Ия") == ["Кыштымовой"]


def test_a_library_is_found_by_its_distinctive_words_never_by_library_alone():
    identity = participant(library="Беловская ЦБС")
    assert found(identity, "Проект сотрудников Беловской ЦБС") == ["Беловской"]
    assert found(identity, "Беловская централизованная библиотечная система") == ["Беловская"]
    # A place name is the library's only next to a library word.
    assert found(identity, "Беловский район славится шахтами") == []
    rural = participant(library="Сельская библиотека")
    assert found(rural, "Сельская библиотека работает с подростками, библиотека открыта") == []
    named = participant(library="Центральная городская библиотека им. А. П. Гайдара")
    assert found(named, "Книги Гайдара любят все") == []
    assert found(named, "в библиотеке им. А. П. Гайдара и имени Гайдара") == [
        "им. А. П. Гайдара",
        "имени Гайдара",
    ]
    assert found(participant(library="КОНБ им. В. Д. Федорова"), "Отдел КОНБ") == ["КОНБ"]


def test_e_mail_and_the_surname_in_latin_letters():
    identity = participant(email="m.ivanova@example.ru")
    assert found(identity, "Пишите: m.ivanova@example.ru") == ["m.ivanova@example.ru"]
    assert found(identity, "Author: Ivanova M.") == ["Ivanova"]
    short = participant(email="ia@mail.ru")
    assert found(short, "ia@mail.ru или ia") == ["ia@mail.ru"]


def test_no_false_positives_on_common_words():
    identity = participant("Иванова", "Мария", "", library="Сельская библиотека")
    text = sample.LOREM + " " + sample.words("обычный текст", 500)
    assert found(identity, text) == []
    # A given name that is also a word is found only with its capital letter.
    vera = participant("Жук", "Вера", "Ивановна", library="", email="")
    assert found(vera, "вера в добро, жук ползёт") == []
    assert found(vera, "Руководитель — Вера Ивановна Жук") == ["Вера Ивановна", "Жук"]
    # Too short to search for: a two-letter name.
    assert found(participant("Ли", "Ян", "", library="", email=""), "Ян и Ли читали") == []


def test_redacted_text():
    text = "Подготовила Иванова Мария Петровна (Беловская ЦБС), m.ivanova@example.ru."
    with translation.override("ru"):
        redacted = participant().redact(text)
    marker = hidden()
    # The library's name as a whole, not only its distinctive word.
    assert redacted == f"Подготовила {marker} {marker} ({marker}), {marker}."


# --- Files: metadata, names, copies for the jury ------------------------------------------------


def test_docx_metadata_and_its_copy_without_it():
    data = sample.docx_with_custom_properties(
        {"Отдел": "Беловская ЦБС"}, author="Иванова Мария", title="Проект"
    )
    check = checked("проект.docx", data)
    assert f"{metadata('creator')}: Иванова Мария" in check.fragments
    assert f"{metadata('Отдел')}: Беловская ЦБС" in check.fragments
    copy = check.copy.read()
    blind = docx.Document(io.BytesIO(copy))
    assert blind.core_properties.author == "" and blind.core_properties.last_modified_by == ""
    assert blind.core_properties.title == ""
    assert [p.text for p in blind.paragraphs] == [sample.LOREM]
    with zipfile.ZipFile(io.BytesIO(data)) as before, zipfile.ZipFile(io.BytesIO(copy)) as after:
        assert "docProps/custom.xml" not in after.namelist()
        assert b"custom.xml" not in after.read("_rels/.rels")
        assert b"custom.xml" not in after.read("[Content_Types].xml")
        rewritten = {"docProps/core.xml", "docProps/app.xml", "_rels/.rels", "[Content_Types].xml"}
        for name in set(before.namelist()) - rewritten - {"docProps/custom.xml"}:
            assert after.read(name) == before.read(name), name
        assert "Иванова" not in after.read("docProps/core.xml").decode()


def test_pptx_metadata_and_its_copy_without_it():
    data = documents.pptx([("Итоги", ["Клуб чтения"]), ("Спасибо", ["Вопросы"])], author="ivanova")
    check = checked("слайды.pptx", data)
    assert check.fragments == [f"{metadata('creator')}: ivanova"]
    blind = pptx.Presentation(io.BytesIO(check.copy.read()))
    assert blind.core_properties.author == "" and blind.core_properties.last_modified_by == ""
    assert len(blind.slides) == 2
    assert blind.slides[0].shapes.title.text == "Итоги"


def test_odt_metadata_and_its_copy_without_it():
    data = sample.odt_with_meta(
        ["Семейное чтение"],
        initial_creator="Мария Иванова",
        creator="ivanova",
        user_defined={"Библиотека": "Беловская ЦБС"},
    )
    check = checked("работа.odt", data)
    assert check.fragments == [
        f"{metadata('initial-creator')}: Мария Иванова",
        f"{metadata('creator')}: ivanova",
        f"{metadata('Библиотека')}: Беловская ЦБС",
    ]
    with zipfile.ZipFile(io.BytesIO(check.copy.read())) as copy:
        assert copy.namelist()[0] == "mimetype"
        assert copy.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        meta = etree.fromstring(copy.read("meta.xml"))
        content = copy.read("content.xml")
    names = {etree.QName(element).localname for element in meta.iter()}
    assert not names & {"initial-creator", "creator", "user-defined"}
    assert {"generator", "document-statistic"} <= names
    with zipfile.ZipFile(io.BytesIO(data)) as original:
        assert content == original.read("content.xml")


def test_pdf_metadata_and_its_copy_without_it():
    data = sample.pdf_with_metadata(
        {"/Author": "Иванова М. П.", "/Creator": "Writer"}, xmp_creator="Ivanova Maria"
    )
    check = checked("работа.pdf", data)
    assert f"{metadata('Author')}: Иванова М. П." in check.fragments
    assert f"{metadata('XMP creator')}: Ivanova Maria" in check.fragments
    copy = PdfReader(check.copy)
    original = PdfReader(io.BytesIO(data))
    assert copy.metadata is None or not ({"/Author", "/Creator", "/Title"} & set(copy.metadata))
    assert copy.xmp_metadata is None and "/Metadata" not in copy.root_object
    # Not only unlinked: the old streams are not in the file at all (a text editor finds
    # nothing), whether written as plain text, UTF-8 or a PDF text string in UTF-16.
    check.copy.seek(0)
    raw = check.copy.read()
    for name in ("Ivanova Maria", "Иванова"):
        for encoded in (name.encode(), name.encode("utf-16-be")):
            assert encoded not in raw, name
    assert len(copy.pages) == len(original.pages)
    assert copy.pages[0].extract_text() == original.pages[0].extract_text()


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_image_metadata_and_its_copy_without_it(kind):
    data = sample.photo_with_exif(
        kind, artist="Ivanova", xp_author="Мария Иванова", text={"Author": "Иванова"}
    )
    check = checked(f"фото.{kind}", data)
    assert f"{metadata('EXIF Artist')}: Ivanova" in check.fragments
    assert f"{metadata('EXIF XPAuthor')}: Мария Иванова" in check.fragments
    if kind == "png":
        assert f"{metadata('PNG Author')}: Иванова" in check.fragments
    assert check.preview_shows_author is False  # a preview shows the pixels only
    with Image.open(check.copy) as copy:
        assert copy.format == kind.upper() and copy.size == (640, 480)
        assert not copy.getexif() and "xmp" not in copy.info and "Author" not in copy.info
        assert copy.getpixel((10, 10)) == pytest.approx((200, 120, 40), abs=3)


def test_headers_and_footers_are_searched_too():
    check = checked("работа.docx", sample.docx_with_footer("© М. П. Иванова, Беловская ЦБС"))
    assert check.fragments == [
        f"{place('headers, footers, notes or comments')}: © М. П. Иванова, Беловская ЦБС"
    ]


def test_a_file_name_with_the_surname_is_flagged():
    check = checked("Иванова_проект.docx", documents.docx([("p", "Текст работы")]))
    assert check.fragments == [f"{place('file name')}: Иванова_проект.docx"]


def test_the_text_is_redacted_and_a_hit_says_where():
    text = "Проект «Клуб чтения» подготовила Иванова Мария Петровна, библиотекарь."
    check = checked("работа.docx", documents.docx([("p", text)]))
    assert check.fragments == [f"{place('text')}: {text}"]
    assert (
        check.blind_text == f"Проект «Клуб чтения» подготовила {hidden()} {hidden()}, библиотекарь."
    )
    # In a long text, the fragment is the hit with its context, at most 200 characters.
    long = sample.words(1, 300) + " Иванова " + sample.words(2, 300)
    (fragment,) = checked("длинная.docx", documents.docx([("p", long)])).fragments
    assert fragment.startswith(f"{place('text')}: …") and fragment.endswith("…")
    assert "Иванова" in fragment and len(fragment) <= 200


def test_the_preview_shows_the_author_only_when_the_first_page_names_them():
    first = checked("a.pdf", sample.pdf_pages("Автор: Иванова", "Вторая", "Третья"))
    assert first.preview_shows_author is True
    third = checked("b.pdf", sample.pdf_pages("Первая", "Вторая", "Автор: Иванова"))
    assert third.preview_shows_author is False
    assert third.fragments == [f"{place('text')}: Первая Вторая Автор: Иванова"]
    # A document's thumbnail shows its start; a presentation's, its first slide.
    opening = checked("c.docx", documents.docx([("p", "Иванова"), ("p", sample.words(3, 50))]))
    assert opening.preview_shows_author is True
    later = checked("d.docx", documents.docx([("p", sample.words(3, 400)), ("p", "Иванова")]))
    assert later.preview_shows_author is False
    slides = documents.pptx([("Итоги", ["Клуб"]), ("Автор", ["Иванова"])])
    assert checked("e.pptx", slides).preview_shows_author is False
    slides = documents.pptx([("Автор", ["Иванова"]), ("Итоги", ["Клуб"])])
    assert checked("f.pptx", slides).preview_shows_author is True
    # Without a preview there is nothing to withhold.
    bare = documents.docx([("p", "Иванова")], thumbnail=False)
    assert checked("g.docx", bare).preview_shows_author is False


def test_hostile_files_do_not_break_the_check():
    """Each hostile file as if the inspection had let it through: the check's own guards
    (the archive guard, the pixel limit) refuse it and the managers are told to look."""
    identity = participant()
    kinds = {"bzip2.odt": "odt", "deflate.odt": "odt", "types.docx": "docx", "huge.png": "png"}
    for name, data in sample.hostile_files().items():
        report = inspection.FileReport(kind=kinds.get(name, "pdf"), sha256="", preview=b"x")
        with translation.override("ru"):
            check = anonymity.check_file(io.BytesIO(data), name, report, identity)
        if name == "tall.pdf":  # legal PDF: copied, page and all
            assert check.fragments == [] and len(PdfReader(check.copy).pages) == 1
            continue
        assert check.copy is None, name
        assert check.fragments[-1] == place(
            "no copy without the author's metadata could be made: jurors get no file"
        )
        # Whatever the guard stopped first: nothing inflated past its caps.
        if name in ("bzip2.odt", "huge.png"):
            unread = place("metadata: could not be read, check the file by hand")
            assert check.fragments == [unread, check.fragments[-1]], name


# --- Through the pipeline -----------------------------------------------------------------------


@pytest.fixture
def manager(django_user_model):
    return contest_staff("manager", "view_entry", "change_entry")


def submitted(contest, *files, **overrides):
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    data = entry_data(contest, new_library_name="Беловская ЦБС", **overrides)
    return submission.submit(contest, data, uploads(*files))


def blind_files(settings):
    return sorted(
        path.name
        for path in (settings.PRIVATE_MEDIA_ROOT / "entries").rglob("*")
        if path.is_file()
        if "blind" in path.parts
    )


@pytest.mark.django_db
def test_processing_flags_copies_and_redacts_and_a_second_run_replaces_them(contest, settings):
    entry = submitted(
        contest,
        ("Иванова_проект.docx", documents.docx([("p", "Клуб чтения")], author="Мария"), "docx"),
        ("работа.pdf", sample.pdf_pages("Автор — Иванова, Беловская ЦБС", "Итоги"), "pdf"),
    )
    processing.run(entry.pk)
    entry.refresh_from_db()
    # The flags are for the managers: the entry is ready for judging all the same.
    assert entry.status == Entry.Status.READY
    document, pdf = entry.files.all()
    assert [(flag.file, flag.fragment) for flag in entry.flags.filter(kind=REVEAL)] == [
        (document, f"{place('file name')}: Иванова_проект.docx"),
        (document, f"{metadata('creator')}: Мария"),
        (pdf, f"{place('text')}: Автор — Иванова, Беловская ЦБС Итоги"),
    ]
    assert document.blind_file and pdf.blind_file
    assert "blind" in document.blind_file.name and document.blind_file.name.endswith(".docx")
    assert docx.Document(document.blind_file.open("rb")).core_properties.author == ""
    assert "Иванова" not in pdf.blind_text and hidden() in pdf.blind_text
    assert pdf.preview_shows_author and not document.preview_shows_author
    assert any("Иванова_проект.docx" in line["message"] for line in entry.processing_log)
    assert len(blind_files(settings)) == 2
    flags = list(entry.flags.values_list("file", "fragment"))

    entries.reprocess(entry)
    processing.run(entry.pk)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY
    assert list(entry.flags.values_list("file", "fragment")) == flags
    # One copy per file: the first run's copies were deleted, not left behind.
    document, pdf = entry.files.all()
    assert blind_files(settings) == sorted(
        name.rpartition("/")[2] for name in (document.blind_file.name, pdf.blind_file.name)
    )


@pytest.mark.django_db
def test_the_entrys_own_title_and_description_are_searched(contest):
    entry = submitted(
        contest,
        ("работа.docx", documents.docx([("p", "Клуб чтения")]), "docx"),
        title="Клуб чтения Марии Ивановой",
        description="Проект сотрудников Беловской ЦБС для подростков.",
    )
    processing.run(entry.pk)
    flags = entry.flags.filter(kind=REVEAL)
    assert [(flag.file, flag.fragment) for flag in flags] == [
        (None, f"{place('title')}: Клуб чтения Марии Ивановой"),
        (None, f"{place('description')}: Проект сотрудников Беловской ЦБС для подростков."),
    ]
    entry.refresh_from_db()
    with translation.override("ru"):
        line = gettext("The entry may reveal the author: %(fragment)s") % {
            "fragment": flags[0].fragment
        }
    assert line in [item["message"] for item in entry.processing_log]


@pytest.mark.django_db
def test_an_accepted_flag_survives_processing_again_while_it_still_matches(contest, manager):
    entry = submitted(contest, ("Иванова_проект.docx", documents.docx([("p", "Клуб")]), "docx"))
    processing.run(entry.pk)
    (flag,) = entry.flags.filter(kind=REVEAL)
    assert entries.accept_reveal_flag(flag, manager)
    assert not entries.accept_reveal_flag(flag, manager)  # once
    flag.refresh_from_db()
    assert flag.accepted_by == manager and flag.accepted_at
    entries.reprocess(entry)
    processing.run(entry.pk)
    (again,) = entry.flags.filter(kind=REVEAL)
    assert again.pk == flag.pk and again.accepted_at == flag.accepted_at
    entry.refresh_from_db()
    with translation.override("ru"):
        accepted = gettext("%(user)s accepted that a file may reveal the author: %(fragment)s") % {
            "user": manager,
            "fragment": flag.fragment,
        }
    assert accepted in [line["message"] for line in entry.processing_log]
    # Once the file no longer matches (the participant's surname was corrected), the flag goes.
    Entry.objects.filter(pk=entry.pk).update(last_name="Петрова")
    entries.reprocess(entry)
    processing.run(entry.pk)
    assert not entry.flags.exists()


@pytest.mark.django_db
def test_unaccepted_reveals_keep_a_blind_contest_from_judging(contest, manager):
    flagged = submitted(contest, ("Иванова.docx", documents.docx([("p", "Клуб")]), "docx"))
    clean = submitted(
        contest, ("работа.docx", documents.docx([("p", "Другой клуб")]), "docx"), email="a@b.ru"
    )
    for entry in (flagged, clean):
        processing.run(entry.pk)
    assert not clean.flags.exists()
    (flag,) = anonymity.unaccepted_reveals(contest)
    assert flag.entry == flagged
    # An entry that is not ready is not judged, whatever its flags.
    Entry.objects.filter(pk=flagged.pk).update(status=Entry.Status.NEEDS_ATTENTION)
    assert not anonymity.unaccepted_reveals(contest).exists()
    Entry.objects.filter(pk=flagged.pk).update(status=Entry.Status.READY)
    entries.accept_reveal_flag(flag, manager)
    assert not anonymity.unaccepted_reveals(contest).exists()
    EntryFlag.objects.filter(pk=flag.pk).update(accepted_at=None)
    assert anonymity.unaccepted_reveals(contest).exists()
    # A contest judged openly waits for no one.
    contest.blind_judging = False
    assert not anonymity.unaccepted_reveals(contest).exists()


@pytest.mark.django_db
def test_the_archive_lists_a_reveal_flag_by_its_fragment(contest):
    entry = submitted(contest, ("Иванова.docx", documents.docx([("p", "Клуб")]), "docx"))
    processing.run(entry.pk)
    _name, spool = archive.write(EntriesArchive(contest=contest))
    with spool, zipfile.ZipFile(spool) as zip_file:
        table = zip_file.read("entries.csv").decode("utf-8-sig")
    assert f"{place('file name')}: Иванова.docx" in table


# --- The manager's page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_accepts_a_flag_others_cannot(client, contest, manager, django_user_model):
    entry = submitted(contest, ("Иванова_проект.docx", documents.docx([("p", "Клуб")]), "docx"))
    processing.run(entry.pk)
    (flag,) = entry.flags.filter(kind=REVEAL)
    url = f"/admin/contests/flags/{flag.pk}/accept/"
    viewer = contest_staff("viewer", "view_entry")

    client.force_login(viewer)
    page = client.get(inspect_url(entry)).content.decode()
    assert "Иванова_проект.docx" in page and url not in page
    assert client.post(url).status_code == 404
    stored = entry.files.get()
    response = client.get(f"/admin/contests/blind/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        f"КНИГИНЯ-2026-{entry.number:03d}-{stored.pk}.docx"
    )
    blind = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert blind.core_properties.author == ""

    client.force_login(manager)
    assert client.get(url).status_code == 405
    # The entries' listing marks and filters them like the other flags.
    listing = client.get("/admin/snippets/contests/entry/", {"flags": REVEAL.value})
    assert [row.pk for row in listing.context["object_list"]] == [entry.pk]
    assert f"⚑ {REVEAL.label}" in listing.content.decode()
    page = client.get(inspect_url(entry)).content.decode()
    assert url in page and 'name="csrfmiddlewaretoken"' in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == inspect_url(entry)
    flag.refresh_from_db()
    assert flag.accepted_by == manager and flag.accepted_at is not None
    page = client.get(inspect_url(entry)).content.decode()
    assert url not in page and "manager" in page
    assert client.post(url).status_code == 302  # once: an error message, nothing changes
    flag.refresh_from_db()
    assert flag.accepted_by == manager

    other = EntryFlag.objects.create(
        entry=entry, kind=EntryFlag.Kind.NEAR_DUPLICATE, other_entry=entry, similarity=0.9
    )
    assert client.post(f"/admin/contests/flags/{other.pk}/accept/").status_code == 404
    assert client.post("/admin/contests/flags/999999/accept/").status_code == 404
    client.force_login(contest_staff("outsider"))
    assert client.post(url).status_code == 404
    assert client.get(f"/admin/contests/blind/{stored.pk}/").status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # to the admin's login
