import datetime
import io
import time

import pypdf
import pytest
from django.utils import timezone

from events import proceedings
from events.models import ProceedingsBuild
from events.tasks import build_proceedings
from kuzbib_site.base import builds

pytestmark = pytest.mark.django_db
Status = ProceedingsBuild.Status


def build_now(conference):
    """Ask for a build and run it here, as the worker would (a test's transaction never commits,
    so the request's task is not sent)."""
    return proceedings.build(proceedings.request_build(conference).pk)


def latest(conference):
    return conference.proceedings_builds.first()


def pdf_text(document):
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_build_attaches_a_pdf_with_cyrillic_text(conference_tree, media):
    conference = conference_tree["conference"]
    build = build_now(conference)
    conference.refresh_from_db()
    document = conference.proceedings
    assert document is not None
    assert build.status == Status.READY
    assert build.finished_at is not None
    text, pages = pdf_text(document)
    assert "VIII Ежегодная сессия" in text
    assert "Содержание" in text
    talk = conference_tree["sessions"][0].talks.first()
    assert talk.title in text
    assert conference_tree["speakers"][0].last_name in text
    assert pages >= 2 + 4  # cover, contents, one page per talk


def test_rebuild_keeps_one_document(conference_tree, media):
    conference = conference_tree["conference"]
    build_now(conference)
    conference.refresh_from_db()
    first = conference.proceedings
    build_now(conference)
    conference.refresh_from_db()
    second = conference.proceedings
    assert first.pk == second.pk
    assert type(first).objects.count() == 1


def test_html_in_talks_is_printed_as_text(conference_tree, media):
    talk = conference_tree["sessions"][0].talks.first()
    talk.title = "<b>Жирный</b> <script>alert(1)</script>"
    talk.save()
    conference = conference_tree["conference"]
    build_now(conference)
    conference.refresh_from_db()
    text, _ = pdf_text(conference.proceedings)
    assert "<b>Жирный</b>" in text


def test_request_build_queues_after_commit(
    conference_tree, media, django_capture_on_commit_callbacks
):
    conference = conference_tree["conference"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proceedings.request_build(conference)
    assert latest(conference).status == Status.REQUESTED
    assert len(callbacks) == 1
    callbacks[0]()  # eager in tests: builds now
    assert latest(conference).status == Status.READY


def test_task_for_a_deleted_conference_returns_quietly(db):
    build_proceedings(build_id=987654)


def test_failure_is_recorded(conference_tree, media, monkeypatch):
    conference = conference_tree["conference"]

    def broken(conference):
        raise RuntimeError("шрифт не найден")

    monkeypatch.setattr(proceedings, "render_proceedings", broken)
    build_now(conference)  # the failure is recorded on the build, not raised to the worker
    assert latest(conference).status == Status.FAILED
    assert "шрифт не найден" in latest(conference).error


def test_sweeper_resends_stuck_builds(conference_tree, media):
    conference = conference_tree["conference"]
    ProceedingsBuild.objects.create(
        conference=conference, requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    builds.sweep(models=[ProceedingsBuild])  # what beat runs (kuzbib.base.sweep_builds)
    assert latest(conference).status == Status.READY


def test_admin_rebuild_needs_edit_permission(client, conference_tree, django_user_model, media):
    from django.contrib.auth.models import Permission

    url = f"/admin/events/proceedings/{conference_tree['conference'].pk}/build/"
    assert client.get(url).status_code == 302
    viewer = django_user_model.objects.create_user("viewer", password="x")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    assert client.post(url).status_code in {302, 403}
    assert not conference_tree["conference"].proceedings_builds.exists()


def test_admin_rebuild_for_an_editor(
    admin_client, conference_tree, media, django_capture_on_commit_callbacks
):
    conference = conference_tree["conference"]
    url = f"/admin/events/proceedings/{conference.pk}/build/"
    assert "VIII Ежегодная сессия" in admin_client.get(url).content.decode()
    assert not conference.proceedings_builds.exists()  # GET never writes
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert latest(conference).status == Status.READY
    assert latest(conference).requested_by.username == "admin"
    conference.refresh_from_db()
    edit = admin_client.get(f"/admin/pages/{conference.pk}/edit/").content.decode()
    assert conference.proceedings.url in edit
    assert admin_client.get("/admin/events/proceedings/999999/build/").status_code == 404


def test_worker_builds_the_proceedings(conference_tree, celery_worker, settings, tmp_path):
    conference = conference_tree["conference"]
    proceedings.request_build(conference)  # autocommit: on_commit runs at once
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if latest(conference).status in Status.finished():
            break
        time.sleep(0.5)
    assert latest(conference).status == Status.READY, celery_worker.output()
    assert "kuzbib.events.build_proceedings" in celery_worker.output()
