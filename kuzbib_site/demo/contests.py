"""«КНИГИНЯ-2009» in the demo site: the contest the VIII session's resolution (item 5) decided to
hold, with thirty entries of invented young librarians, each with real PDF, DOCX or PPTX files
written here and processed by the pipeline as a worker would. Two entries need attention (a file
identical to another entry's, a text very like another's) and one is withdrawn. Beside it, a
made-up contest taking entries today, so that a visitor can try the entry form.

The nominations, criteria, weights, dates, participants and their works are illustrative
(``contest_data``); the seed names only the contest. Idempotent: the entries are made once.
"""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from contests import processing, submission
from contests.domain import entry as entry_domain
from contests.models import (
    ContestIndexPage,
    ContestPage,
    Criterion,
    Entry,
    EntryFile,
    Nomination,
    Stage,
)
from events.models import EVENT_TIMEZONE, EventStatus
from kuzbib_site.base.models import Library, Municipality

from . import documents, texts
from .contest_data import (
    AUTHOR_NAMED,
    CRITERIA,
    ENTRIES,
    FIRST_SUBMITTED,
    NEAR_COPY,
    NOMINATIONS,
    OLD_SLUG,
    SAME_FILE,
    SLUG,
    STAGES,
    WITHDRAWN,
)
from .pictures import cover
from .site import ensure_child, ensure_moved, keep_old_address


def at(day, hour=10):
    """``day`` (year, month, day) at ``hour`` in the events' time zone."""
    return datetime.datetime(*day, hour, tzinfo=EVENT_TIMEZONE)


def load(home):
    """The contests index under ``home``, «КНИГИНЯ-2009» with its entries and the open demo
    contest; returns «КНИГИНЯ-2009»."""
    index = ensure_child(
        home,
        ContestIndexPage,
        "contests",
        title="Конкурсы",
        show_in_menus=True,
        intro="<p>Конкурсы профессионального мастерства партнёрства.</p>",
    )
    ensure_moved(index, ContestPage, OLD_SLUG, SLUG)
    contest = _contest(
        index,
        SLUG,
        [
            (kind, title, at(start), at(end, 17) if end else None)
            for kind, title, start, end in STAGES
        ],
        title="КНИГИНЯ-2009",
        intro="Межведомственный конкурс профессионального мастерства молодых библиотекарей, "
        "проводимый по решению VIII сессии конференции (п. 5 резолюции).",
        start=at((2009, 2, 1)),
        end=at((2009, 5, 27), 17),
        status=EventStatus.HELD,
        entry_prefix="КНИГИНЯ-2009",
        age_reference_date=datetime.date(2009, 2, 1),
        # The jury of five had a lenient and a strict member: each juror's scores are
        # normalised before they are averaged, and an entry needs three sheets to be ranked.
        aggregation_method=ContestPage.Method.ZSCORE,
        min_sheets=3,
    )
    keep_old_address(contest, OLD_SLUG)
    load_entries(contest)
    load_open(index)
    load_judging(index)
    return contest


def load_open(index):
    """A made-up «КНИГИНЯ» of the coming year taking entries from the day the demo is loaded for
    a month, so that a visitor can try the entry form (its checks, the consent of a minor's
    parent, the private page) today, beside the historic «КНИГИНЯ-2009». Named after the year
    of its results; its intro says it is demo content; it has no entries of its own."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    opens = datetime.datetime.combine(yesterday, datetime.time(9), tzinfo=EVENT_TIMEZONE)
    closes = opens + datetime.timedelta(days=31, hours=9)  # at 18:00
    judged = closes + datetime.timedelta(days=14)
    year = (judged + datetime.timedelta(days=3)).year
    slug = f"kniginya-{year}"
    # An earlier demo called it «КНИГИНЯ (демонстрация)» at /contests/demo-contest/.
    ensure_moved(index, ContestPage, "demo-contest", slug)
    return _contest(
        index,
        slug,
        [
            (Stage.Kind.SUBMISSIONS, "Приём конкурсных работ", opens, closes),
            (Stage.Kind.JUDGING, "Работа жюри", closes + datetime.timedelta(days=1), judged),
            (Stage.Kind.RESULTS, "Подведение итогов", judged + datetime.timedelta(days=3), None),
        ],
        title=f"КНИГИНЯ-{year}",
        intro="Демонстрационный конкурс: на нём можно попробовать подачу конкурсной работы.",
        start=opens,
        end=judged + datetime.timedelta(days=3),
        status=EventStatus.REGISTRATION_OPEN,
        entry_prefix=f"КНИГИНЯ-{year}",
        age_reference_date=timezone.localdate(),
    )


#: The entries of «КНИГИНЯ-2009» whose works, by other invented participants, are entered again
#: in the contest judged today.
JUDGED_TODAY = (1, 2, 3, 4, 5, 6, 7, 8)


def load_judging(index):
    """A made-up contest whose judging is open today, so that a visitor can sign in as a demo
    juror and score an entry (``kuzbib_site.demo.jury``): its submissions closed last week, its
    eight entries are processed, its jury works until two weeks from now."""
    today = timezone.localdate()
    opened = datetime.datetime.combine(
        today - datetime.timedelta(days=40), datetime.time(9), tzinfo=EVENT_TIMEZONE
    )
    closed = opened + datetime.timedelta(days=30, hours=9)
    judged = datetime.datetime.combine(
        today + datetime.timedelta(days=14), datetime.time(18), tzinfo=EVENT_TIMEZONE
    )
    contest = _contest(
        index,
        "demo-jury",
        [
            (Stage.Kind.SUBMISSIONS, "Приём конкурсных работ", opened, closed),
            (Stage.Kind.JUDGING, "Работа жюри", closed + datetime.timedelta(days=3), judged),
            (Stage.Kind.RESULTS, "Подведение итогов", judged + datetime.timedelta(days=3), None),
        ],
        title="КНИГИНЯ (демонстрация работы жюри)",
        intro="Демонстрационный конкурс, который жюри оценивает сейчас: войдите в комнату жюри "
        "под логином демонстрационного члена жюри и оцените работу.",
        start=opened,
        end=judged + datetime.timedelta(days=3),
        status=EventStatus.PLANNED,
        entry_prefix="ДЕМО-ЖЮРИ",
        age_reference_date=today,
    )
    with transaction.atomic():
        if not contest.entries.filter(is_demo=True).exists():
            contexts, data = _participants(contest)
            contexts = {position: contexts[position] for position in JUDGED_TODAY}
            files = _files(contexts)
            sent = opened + datetime.timedelta(days=2)
            made = []
            for position, (demo, _ctx) in contexts.items():
                uploads = [
                    (
                        ContentFile(files[position, label], f"demo-{position:03d}-{label}.{kind}"),
                        kind,
                    )
                    for kind, label in demo.files
                ]
                entry = submission.submit(contest, data[position], uploads, now=sent)
                made.append(entry.pk)
            for pk in made:
                processing.run(pk, now=sent + datetime.timedelta(minutes=2))
            contest.entries.filter(is_demo=True).update(
                receipt_sent_at=F("created_at"), notified_status=F("status")
            )
    return contest


def _contest(index, slug, stages, **fields):
    """A contest page with the demo's nominations, weighted criteria and ``stages`` (kind,
    title, start, end), published so that its stages go into the calendar."""
    contest = ensure_child(
        index,
        ContestPage,
        slug,
        city="Кемерово",
        organisers="НП «Кузбасские библиотеки»",
        max_age=35,
        cover_image=cover(fields["title"], "award", slug),
        **fields,
    )
    for order, (title, description) in enumerate(NOMINATIONS):
        Nomination.objects.update_or_create(
            contest=contest,
            title=title,
            defaults={"description": description, "sort_order": order},
        )
    for order, (name, weight, max_score) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            contest=contest,
            name=name,
            defaults={"weight": weight, "max_score": max_score, "sort_order": order},
        )
    for order, (kind, title, start, end) in enumerate(stages):
        Stage.objects.update_or_create(
            contest=contest,
            kind=kind,
            defaults={"title": title, "start": start, "end": end, "sort_order": order},
        )
    contest.refresh_from_db()
    contest.save_revision().publish()
    return contest


# --- The entries' files ------------------------------------------------------------------------

PDF_STYLE = """
@page { size: A4; margin: 2cm;
        @top-right { content: "Демонстрационный материал"; font-size: 8pt; color: #777 } }
body { font-family: "DejaVu Serif", serif; font-size: 12pt; line-height: 1.45 }
h1 { font-size: 10pt; color: #a0102a; margin: 0 }
h2 { font-size: 18pt; margin: 6pt 0 12pt }
h3 { font-size: 13pt; margin: 14pt 0 4pt }
.note { font-size: 9pt; color: #555 }
table { border-collapse: collapse; width: 100%; font-size: 10pt }
th, td { border: 1px solid #999; padding: 3pt 5pt; text-align: left; vertical-align: top }
"""
# h1 is the small «Демонстрационный материал» above the work's title (h2); h3 heads a part.
DOCX_HEADINGS = {"h1": 2, "h2": 0, "h3": 1}


def _blocks(position, label, contexts):
    """The document ``label`` of the entry at ``position``, as blocks («h1», «p», «ul», «table»…).
    A near copy repeats its source's text under its own name, with its own reading list."""
    demo, ctx = contexts[position]
    heading, build = texts.DOCUMENTS[label]
    source = NEAR_COPY.get((position, label))
    if source is None:
        body = build(ctx, texts.seeded(position, label))
    else:
        body = build(contexts[source[0]][1], texts.seeded(*source))
        body[-1] = ("ol", texts.reading_list(texts.seeded(position, label), 6))
    head = [("h1", "Демонстрационный материал"), ("note", texts.DEMO_NOTE), ("h2", demo.title)]
    if heading:
        head.append(("p", f"{heading}. Номинация «{ctx['nomination']}»."))
    if heading and ctx["named"]:
        head.append(
            (
                "p",
                f"Автор: {demo.last_name} {demo.first_name} {demo.patronymic}, {demo.position}; "
                f"{ctx['library']} ({ctx['town']}).",
            )
        )
    return head + body


def _files(contexts):
    """The bytes of every demo file, by (position, label)."""
    made, pdf_documents = {}, {}
    for position, (demo, ctx) in contexts.items():
        author = f"{demo.first_name} {demo.last_name}" if ctx["named"] else ""
        about = {"author": author, "title": demo.title}
        for kind, label in demo.files:
            if (position, label) in SAME_FILE:
                continue
            if kind == "pptx":
                slides = texts.slides(demo, ctx, texts.seeded(position, label))
                made[position, label] = documents.pptx(
                    slides, **about, title_slide=True, thumbnail=False
                )
            elif kind == "pdf":
                pdf_documents[position, label] = _blocks(position, label, contexts)
            else:
                made[position, label] = documents.docx(
                    _blocks(position, label, contexts),
                    **about,
                    headings=DOCX_HEADINGS,
                    thumbnail=False,
                )
    made.update(documents.pdfs(pdf_documents, PDF_STYLE))
    for copy, original in SAME_FILE.items():
        if original in made:
            made[copy] = made[original]
    return made


# --- Loading -----------------------------------------------------------------------------------


def load_entries(contest):
    """Submit the demo entries with their files, process them here (no worker needed) and
    withdraw one; nothing if the contest has them already. Returns how many were made."""
    with transaction.atomic():
        # The tasks that submitting and processing send run once this commits: by then every
        # entry is processed and marked as told, so they find nothing to do.
        if contest.entries.filter(is_demo=True).exists():
            return 0
        contexts, data = _participants(contest)
        files = _files(contexts)
        submitted = {}
        for position, (demo, _ctx) in contexts.items():
            sent = FIRST_SUBMITTED + datetime.timedelta(
                days=2.8 * (position - 1), hours=position * 7 % 9
            )
            uploads = [
                (ContentFile(files[position, label], f"demo-{position:03d}-{label}.{kind}"), kind)
                for kind, label in demo.files
            ]
            entry = submission.submit(contest, data[position], uploads, now=sent)
            # The entries were sent in 2009, while submissions were open.
            Entry.objects.filter(pk=entry.pk).update(created_at=sent)
            EntryFile.objects.filter(entry=entry).update(created_at=sent)
            submitted[position] = (entry.pk, sent)
        for pk, sent in submitted.values():
            processing.run(pk, now=sent + datetime.timedelta(minutes=2))
        # The participant withdrew it while submissions were open, saying why.
        position, withdrawn_at, reason = WITHDRAWN
        withdrawn = Entry.objects.select_related("contest").get(pk=submitted[position][0])
        entry_domain.withdraw(withdrawn, now=withdrawn_at)
        Entry.objects.filter(pk=withdrawn.pk).update(status_reason=reason)
        # Nobody reads the demo participants' mail: count receipts and news as sent.
        contest.entries.filter(is_demo=True).update(
            receipt_sent_at=F("created_at"), notified_status=F("status")
        )
    return len(ENTRIES)


def _participants(contest):
    """For each position in ENTRIES: the facts its documents quote, and its entry's fields."""
    nominations = list(contest.nominations.order_by("sort_order"))
    libraries = {
        library.short_name: library for library in Library.objects.select_related("municipality")
    }
    municipalities = {
        municipality.name: municipality for municipality in Municipality.objects.all()
    }
    contexts, data = {}, {}
    for position, demo in enumerate(ENTRIES, start=1):
        library = libraries.get(demo.library)
        municipality = library.municipality if library else municipalities[demo.municipality]
        named = position in AUTHOR_NAMED
        contexts[position] = (
            demo,
            {
                "name": demo.name,
                "aud": demo.audience,
                "town": municipality.name,
                "library": (library.full_name if library else demo.library)
                if named
                else "Наша библиотека",
                "named": named,
                "nomination": nominations[demo.nomination].title,
            },
        )
        data[position] = {
            "last_name": demo.last_name,
            "first_name": demo.first_name,
            "patronymic": demo.patronymic,
            "email": demo.email,
            "position": demo.position,
            "library": library,
            "new_library_name": "" if library else demo.library,
            "birth_date": demo.born,
            "municipality": municipality,
            "nomination": nominations[demo.nomination],
            "title": demo.title,
            "description": demo.description,
            "is_demo": True,
        }
    return contexts, data
