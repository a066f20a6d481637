import pytest
from django.utils import timezone

from contests import processing
from contests.conf import setting
from contests.models import (
    ContestPage,
    Diploma,
    Entry,
    EntryFlag,
    Judging,
    Result,
    ScoreSheet,
)
from kuzbib_site.demo.contest_data import AUTHOR_NAMED
from kuzbib_site.demo.jury import CONFLICT, JURORS, VISITOR_JUROR

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
REVEAL = EntryFlag.Kind.MAY_REVEAL_AUTHOR


# ``demo_site`` (tests/conftest.py) ran the tasks sent on commit, as they would run after
# ``manage.py load_demo``: they must find nothing left to do. Loading it again changes nothing
# (tests/base/test_load_demo.py).


def test_demo_has_thirty_processed_entries_two_flagged_one_withdrawn(demo_site):
    contest = ContestPage.objects.get(slug="kniginya-2009")
    entries = list(contest.entries.prefetch_related("files", "flags").order_by("number"))

    assert len(entries) == 30 and all(entry.is_demo for entry in entries)
    assert [entry.number for entry in entries] == list(range(1, 31))
    assert contest.last_entry_number == 30
    assert {entry.nomination.title for entry in entries} == {
        nomination.title for nomination in contest.nominations.all()
    }
    assert all(entry.email.endswith(("@example.org", "@example.ru")) for entry in entries)
    assert all(contest.is_eligible_age(entry.birth_date) for entry in entries)
    assert all(entry.library_name and entry.municipality_id for entry in entries)

    files = [stored for entry in entries for stored in entry.files.all()]
    assert all(1 <= entry.files.count() <= 3 for entry in entries)
    assert {stored.kind for stored in files} == {"pdf", "docx", "pptx"}
    for stored in files:
        assert stored.original_name.startswith(f"demo-{stored.entry.number:03d}-")
        assert stored.processed_at and not stored.problem and stored.words > 0, stored
        assert stored.pages > 0 and stored.sha256, stored
        assert stored.file.storage.exists(stored.file.name)
        if stored.kind == "pdf":
            assert stored.preview and stored.preview.storage.exists(stored.preview.name), stored
            assert "Демонстрационный материал" in stored.text

    flags = list(EntryFlag.objects.filter(entry__contest=contest).exclude(kind=REVEAL))
    assert sorted(flag.kind for flag in flags) == ["exact_duplicate", "near_duplicate"]
    # The anonymity check found the author's name only in the documents that give it (others
    # name their town beside «наша библиотека», which is flagged too: the town narrows the
    # library down), and the organisers accepted every flag before judging opened.
    reveals = list(EntryFlag.objects.filter(entry__contest=contest, kind=REVEAL))
    naming = {flag.entry.number for flag in reveals if flag.entry.last_name in flag.fragment}
    assert naming == set(AUTHOR_NAMED)
    assert all(flag.accepted_at for flag in reveals)
    exact = next(flag for flag in flags if flag.kind == EntryFlag.Kind.EXACT_DUPLICATE)
    near = next(flag for flag in flags if flag.kind == EntryFlag.Kind.NEAR_DUPLICATE)
    assert exact.file.sha256 in {stored.sha256 for stored in exact.other_entry.files.all()}
    assert near.similarity >= setting("NEAR_DUPLICATE_THRESHOLD")
    assert {exact.entry_id, exact.other_entry_id}.isdisjoint({near.entry_id, near.other_entry_id})

    statuses = {entry.pk: entry.status for entry in entries}
    assert {pk for pk, status in statuses.items() if status == "needs_attention"} == {
        exact.entry_id,
        near.entry_id,
    }
    withdrawn = [entry for entry in entries if entry.status == Entry.Status.WITHDRAWN]
    assert len(withdrawn) == 1 and withdrawn[0].withdrawn_at and withdrawn[0].status_reason
    assert list(statuses.values()).count(Entry.Status.READY) == 27

    # Nobody was written to, and neither the sweeper nor the pipeline has anything left.
    assert demo_site.mail == []
    assert all(entry.receipt_sent_at and entry.notified_status == entry.status for entry in entries)
    assert not set(processing.stuck(timezone.now())) & set(statuses)

    # A visitor can try the entry form today: the demo's open contest takes entries now.
    open_contest = ContestPage.objects.exclude(pk=contest.pk).get(
        title__startswith="КНИГИНЯ-", slug__startswith="kniginya-"
    )
    assert open_contest.live and open_contest.submission_stage() is not None
    assert not open_contest.entries.exists()
    assert open_contest.nominations.count() == 3 and open_contest.criteria.count() == 4


def test_demo_jury_judged_kniginya_2009_and_judges_the_demo_contest_today(demo_site):
    contest = ContestPage.objects.get(slug="kniginya-2009")
    jury = {member.user.username: member for member in contest.jury.select_related("user")}
    assert set(jury) == {username for username, *_rest in JURORS}
    assert [name for name, member in jury.items() if member.is_chair] == ["gordeeva"]

    judging = Judging.objects.get(contest=contest)
    assert judging.state == Judging.State.PUBLISHED and judging.published_at.year == 2009
    # Morozova was never given the entry from her own library; Kuznetsova declared a conflict.
    morozova = jury["morozova"]
    own = contest.entries.filter(library=morozova.library, status=Entry.Status.READY)
    assert own.exists() and not morozova.assignments.filter(entry__in=own).exists()
    username, number, reason = CONFLICT
    declared = jury[username].assignments.get(entry__number=number)
    assert declared.conflict_declared_at and declared.conflict_reason == reason
    sheets = ScoreSheet.objects.filter(assignment__entry__contest=contest)
    assert sheets.exists() and not sheets.exclude(status=ScoreSheet.Status.SUBMITTED).exists()

    # The lenient juror's totals run above the strict one's: the disagreement is real.
    def mean_total(name):
        values = [
            score.value
            for sheet in sheets.filter(assignment__juror=jury[name]).prefetch_related("scores")
            for score in sheet.scores.all()
        ]
        return sum(values) / len(values)

    assert mean_total("sokolova") > mean_total("gordeeva") > mean_total("lebedev")

    results = Result.objects.filter(contest=contest)
    assert results.count() == 27
    places = sorted(result.place for result in results if result.place and result.place <= 3)
    assert places.count(1) == contest.nominations.count()
    assert results.exclude(special_prize="").count() == 1
    diplomas = Diploma.objects.filter(contest=contest)
    assert diplomas.count() == 27 and all(diploma.file for diploma in diplomas)
    assert all(diploma.emailed_at for diploma in diplomas)
    assert contest.collections.get().is_ready and contest.protocols.get().is_ready

    # Today's demo contest is being judged: the visitor's juror has entries left to score.
    today = ContestPage.objects.get(slug="demo-jury")
    assert Judging.objects.get(contest=today).state == Judging.State.OPEN
    visitor = today.jury.get(user__username=VISITOR_JUROR)
    assert visitor.assignments.exists()
    assert not ScoreSheet.objects.filter(assignment__juror=visitor).exists()
    assert ScoreSheet.objects.filter(
        assignment__entry__contest=today, status=ScoreSheet.Status.SUBMITTED
    ).exists()
    assert demo_site.mail == []
