"""The personal-data retention job (152-FZ): with real dates, what is due is anonymised — names
and contacts replaced, files gone from disk, the private link dead — and nothing else; the
admin's dry run reports before anything changes; a second run changes nothing."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone

from contests import submission
from contests.models import EntriesArchive, Entry, EntryFile
from events.models import ConferencePage, Proposal, Registration, Talk
from kuzbib_site.base import retention
from kuzbib_site.base.models import Person
from kuzbib_site.base.tasks import retention as retention_task
from tests.factories import ConferencePageFactory, PersonFactory, TalkFactory
from tests.factories import files as sample
from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    NominationFactory,
    entry_data,
    uploads,
)
from tests.factories.events import RegistrationFactory

pytestmark = pytest.mark.django_db

PDF = sample.pdf()


def days(kind, settings):
    return settings.KUZBIB_BASE["RETENTION"][kind]


def ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def conference_ended(parent, n_days_ago, slug):
    end = ago(n_days_ago)
    return ConferencePageFactory(
        parent=parent, slug=slug, start=end - datetime.timedelta(hours=8), end=end
    )


def made_before(record, moment):
    """Records are made before their event ends; created_at is auto_now_add."""
    type(record).objects.filter(pk=record.pk).update(
        created_at=moment - datetime.timedelta(days=30)
    )


def proposal_with_file(conference, **extra):
    proposal = Proposal(
        conference=conference,
        title="Методическая служба",
        abstract="Опыт работы.",
        last_name="Петрова",
        first_name="Анна",
        patronymic="Ивановна",
        email="petrova@example.ru",
        position="методист",
        new_library_name="Сельская библиотека",
        co_authors="Иванова И. И.",
        consent_given_at=timezone.now(),
        **extra,
    )
    proposal.file.save("тезисы.pdf", ContentFile(PDF), save=False)
    proposal.save()
    made_before(proposal, conference.end)
    return proposal


@pytest.fixture
def world(conference_tree, home_page, settings, django_capture_on_commit_callbacks):
    """For each kind of record: one whose event ended a day more than its retention period ago
    (due) and one whose event ended a day less ago (not due)."""
    events = conference_tree["events"]
    reg_days, prop_days, entry_days = (
        days(k, settings) for k in ("registration", "proposal", "entry")
    )
    old = conference_ended(events, reg_days + 1, "old")
    recent = conference_ended(events, reg_days - 1, "recent")
    old_reg = RegistrationFactory(
        conference=old, accessibility_needs="Пандус", position="директор", name="Белова Анна"
    )
    made_before(old_reg, old.end)
    recent_reg = RegistrationFactory(conference=recent, name="Серова Ольга")
    made_before(recent_reg, recent.end)

    old_cfp = conference_ended(events, prop_days + 1, "old-cfp")
    recent_cfp = conference_ended(events, prop_days - 1, "recent-cfp")
    old_proposal = proposal_with_file(old_cfp)
    recent_proposal = proposal_with_file(recent_cfp)

    index = ContestIndexPageFactory(parent=home_page)
    contests = []
    for slug, n in (("old-contest", entry_days + 1), ("recent-contest", entry_days - 1)):
        end = ago(n)
        contest = ContestPageFactory(
            parent=index, slug=slug, start=end - datetime.timedelta(days=60), end=end
        )
        NominationFactory(contest=contest)
        contests.append(contest)
    entries = []
    for contest in contests:
        with django_capture_on_commit_callbacks(execute=True):  # processed: preview and text
            entry = submission.submit(
                contest,
                entry_data(contest, phone="+7 900 000-00-00", position="библиотекарь"),
                uploads(("работа.pdf", PDF, "pdf")),
            )
        made_before(entry, contest.end)
        entries.append(entry)
    archive = EntriesArchive(contest=contests[0], status=EntriesArchive.Status.READY)
    archive.file.save("entries.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return {
        "old_reg": old_reg,
        "recent_reg": recent_reg,
        "old_proposal": old_proposal,
        "recent_proposal": recent_proposal,
        "old_entry": entries[0],
        "recent_entry": entries[1],
        "archive": archive,
    }


def snapshot():
    return (
        list(Registration.objects.order_by("pk").values()),
        list(Proposal.objects.order_by("pk").values()),
        list(Entry.objects.order_by("pk").values()),
        list(EntryFile.objects.order_by("pk").values()),
    )


def test_dry_run_reports_what_is_due_and_changes_nothing(world, settings):
    before = snapshot()
    rows = {row["key"]: row for row in retention.report()}
    # Every registered kind is reported; this world has no dynasty application (the dynasties'
    # own retention tests have them).
    assert {key: row["due"] for key, row in rows.items()} == {
        "registration": 1,
        "proposal": 1,
        "entry": 1,
        "dynasty_application": 0,
    }
    # Due since one day ago: the event ended retention + 1 days ago.
    for row in (rows[key] for key in ("registration", "proposal", "entry")):
        assert abs(row["since"] - ago(1)) < datetime.timedelta(minutes=5)
    assert snapshot() == before


def test_run_anonymises_what_is_due_only_and_deletes_files(world, client, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "PRIVATE_LINK_DAYS_AFTER_END": 10_000}
    old_reg, old_proposal, old_entry = world["old_reg"], world["old_proposal"], world["old_entry"]
    reg_url = old_reg.private_url().split("localhost", 1)[-1]
    proposal_url = f"/events/old-cfp/proposal/{old_proposal.token}/"
    entry_url = old_entry.contest.url + f"entry/{old_entry.token}/"
    # Before: the links work (the link lifetime is set long enough here).
    assert client.get(reg_url).status_code == 200
    assert client.get(proposal_url).status_code == 200
    assert client.get(entry_url).status_code == 200
    stored = [Path(old_proposal.file.path), Path(world["archive"].file.path)]
    for entry_file in old_entry.files.all():
        stored += [Path(entry_file.file.path), Path(entry_file.preview.path)]
    assert all(path.exists() for path in stored) and len(stored) == 4
    recent_files = [Path(world["recent_proposal"].file.path)] + [
        Path(f.file.path) for f in world["recent_entry"].files.all()
    ]

    assert retention.run() == {
        "registration": 1,
        "proposal": 1,
        "entry": 1,
        "dynasty_application": 0,
    }

    old_reg.refresh_from_db()
    assert old_reg.name == "Удалено"
    assert old_reg.email == f"erased-{old_reg.pk}@erased.invalid"
    assert (old_reg.position, old_reg.accessibility_needs, old_reg.new_library_name) == ("", "", "")
    assert old_reg.status == "confirmed" and old_reg.anonymised_at is not None  # stats kept

    old_proposal.refresh_from_db()
    assert (old_proposal.last_name, old_proposal.first_name, old_proposal.patronymic) == (
        "Удалено",
        "",
        "",
    )
    assert old_proposal.email.endswith("@erased.invalid") and not old_proposal.file
    assert old_proposal.co_authors == "" and old_proposal.title == "Методическая служба"

    old_entry.refresh_from_db()
    assert old_entry.last_name == "Удалено" and old_entry.phone == "" and old_entry.position == ""
    assert old_entry.birth_date == datetime.date(1900, 1, 1)
    assert old_entry.municipality_id is not None and old_entry.number == 1  # stats kept
    (entry_file,) = old_entry.files.all()
    assert (entry_file.file.name, entry_file.preview.name, entry_file.text) == ("", "", "")
    assert entry_file.kind == "pdf" and entry_file.size > 0
    assert not EntriesArchive.objects.exists()

    # Files gone from disk; the recent records' files are still there.
    assert not any(path.exists() for path in stored)
    assert all(path.exists() for path in recent_files)
    # The private links are dead: the Russian not-found pages.
    response = client.get(reg_url)
    assert response.status_code == 404
    assert "events/registration/not_found.html" in [t.name for t in response.templates]
    assert client.get(proposal_url).status_code == 404
    response = client.get(entry_url)
    assert response.status_code == 404
    assert "contests/entry_not_found.html" in [t.name for t in response.templates]

    # Not yet due: untouched.
    for key in ("recent_reg", "recent_proposal", "recent_entry"):
        record = world[key]
        record.refresh_from_db()
        assert record.anonymised_at is None and record.email != ""
    assert world["recent_reg"].name == "Серова Ольга"


def test_demo_entries_are_never_due(world):
    """Invented participants of the demo contest are nobody's data: the job leaves them."""
    Entry.objects.filter(pk=world["old_entry"].pk).update(is_demo=True)
    assert {row["key"]: row["due"] for row in retention.report()}["entry"] == 0
    assert retention.run()["entry"] == 0
    assert Entry.objects.get(pk=world["old_entry"].pk).last_name != "Удалено"


def test_second_run_changes_nothing(world):
    retention.run()
    after_first = snapshot()
    assert retention.run() == {
        "registration": 0,
        "proposal": 0,
        "entry": 0,
        "dynasty_application": 0,
    }
    assert snapshot() == after_first
    assert all(row["due"] == 0 for row in retention.report())


def test_a_speaker_on_the_programme_and_a_winner_name_stay_public(conference_tree, settings):
    events = conference_tree["events"]
    conference = conference_ended(events, days("proposal", settings) + 1, "past")
    session_parent = conference_tree["sessions"][0]
    speaker = PersonFactory(last_name="Петрова", first_name="Анна")
    talk = TalkFactory(session=session_parent, title="Методическая служба", speakers=[speaker])
    proposal = proposal_with_file(conference, status="accepted", talk=talk)
    retention.run()
    proposal.refresh_from_db()
    assert proposal.anonymised_at is not None and proposal.last_name == "Удалено"
    assert proposal.talk_id == talk.pk
    assert Talk.objects.get(pk=talk.pk).title == "Методическая служба"
    assert Person.objects.get(pk=speaker.pk).last_name == "Петрова"


def test_an_entry_that_keeps_its_public_name_loses_only_contacts(
    home_page, settings, django_capture_on_commit_callbacks
):
    index = ContestIndexPageFactory(parent=home_page)
    end = ago(days("entry", settings) + 1)
    contest = ContestPageFactory(parent=index, start=end - datetime.timedelta(days=9), end=end)
    NominationFactory(contest=contest)
    entry = submission.submit(contest, entry_data(contest), uploads(("a.pdf", PDF, "pdf")))
    made_before(entry, end)
    Entry.objects.filter(pk=entry.pk).update(keeps_public_name=True)
    retention.run()
    entry.refresh_from_db()
    assert (entry.last_name, entry.first_name) == ("Иванова", "Мария")
    assert entry.new_library_name == "Сельская библиотека"
    assert entry.email.endswith("@erased.invalid") and entry.anonymised_at is not None


def test_a_record_made_after_its_event_gets_the_full_period(conference_tree, settings):
    """Imported or demo data about a long-past event is not erased on the first night."""
    events = conference_tree["events"]
    conference = conference_ended(events, days("registration", settings) + 100, "ancient")
    registration = RegistrationFactory(conference=conference)
    assert retention.run()["registration"] == 0
    Registration.objects.filter(pk=registration.pk).update(
        created_at=ago(days("registration", settings) + 1)
    )
    assert retention.run()["registration"] == 1


def test_retention_days_are_configurable(world, settings):
    retention_days = {**settings.KUZBIB_BASE["RETENTION"]}
    retention_days["registration"] = days("registration", settings) - 2
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "RETENTION": retention_days}
    assert retention.run(keys=["registration"]) == {"registration": 2}


def test_the_daily_beat_task_runs_the_job(world, settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["kuzbib.base.retention"]
    assert schedule["task"] == "kuzbib.base.retention" and schedule["schedule"] == 24 * 3600
    retention_task.delay()
    assert Registration.objects.exclude(anonymised_at=None).count() == 1
    assert Entry.objects.exclude(anonymised_at=None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_in_a_real_worker(celery_worker, conference_tree, settings, wait_until):
    """The worker registers the apps' policies itself (AppConfig.ready), so the beat task
    anonymises there too, not only in the web process."""
    events = conference_tree["events"]
    old = conference_ended(events, days("registration", settings) + 1, "old")
    registration = RegistrationFactory(conference=old)
    made_before(registration, old.end)
    retention_task.apply_async()
    erased = Registration.objects.filter(pk=registration.pk).exclude(anonymised_at=None)
    wait_until(erased.exists, timeout=30, worker=celery_worker, what="the anonymisation")
    assert "kuzbib.base.retention" in celery_worker.output()


# --- The admin's report ---------------------------------------------------------------------


@pytest.fixture
def registrations_manager(django_user_model):
    """An editor who may change registrations, and nothing else of the three kinds."""
    group = Group.objects.create(name="Регистрация")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_registration"),
    )
    user = django_user_model.objects.create_user("reg", password="x")
    user.groups.add(group)
    return user


def test_admin_report_lists_due_records_and_runs_on_post(world, client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/kuzbib-reports/retention/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="retention-due">1<') == 3
    assert Registration.objects.filter(anonymised_at=None).count() == 2  # the GET wrote nothing
    menu = client.get("/admin/").content.decode()
    assert "/admin/kuzbib-reports/retention/" in menu
    response = client.post("/admin/kuzbib-reports/retention/")
    assert response.status_code == 302
    assert Registration.objects.exclude(anonymised_at=None).count() == 1
    assert Proposal.objects.exclude(anonymised_at=None).count() == 1
    assert Entry.objects.exclude(anonymised_at=None).count() == 1


def test_admin_report_shows_and_runs_only_the_kinds_a_user_may_change(
    world, client, registrations_manager
):
    client.force_login(registrations_manager)
    html = client.get("/admin/kuzbib-reports/retention/").content.decode()
    assert 'data-kind="registration"' in html and 'data-kind="entry"' not in html
    client.post("/admin/kuzbib-reports/retention/")
    assert Registration.objects.exclude(anonymised_at=None).count() == 1
    assert Entry.objects.exclude(anonymised_at=None).count() == 0
    assert Proposal.objects.exclude(anonymised_at=None).count() == 0


def test_admin_report_is_refused_without_permission(world, client, django_user_model):
    group = Group.objects.create(name="Редакторы")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = django_user_model.objects.create_user("editor", password="x")
    user.groups.add(group)
    client.force_login(user)
    assert client.post("/admin/kuzbib-reports/retention/").status_code in (302, 403)
    assert "/admin/kuzbib-reports/retention/" not in client.get("/admin/").content.decode()
    assert not Registration.objects.exclude(anonymised_at=None).exists()


def test_conference_pages_are_not_touched(world):
    titles = dict(ConferencePage.objects.values_list("pk", "title"))
    retention.run()
    assert dict(ConferencePage.objects.values_list("pk", "title")) == titles
