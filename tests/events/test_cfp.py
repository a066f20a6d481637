import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from events.domain import proposal as proposals
from events.models import Proposal, Talk
from tests.factories import LibraryFactory
from tests.factories import files as sample
from tests.factories.events import open_cfp as open_conference_cfp
from tests.factories.events import section_leader

pytestmark = pytest.mark.django_db

PDF = sample.pdf()


def docx_bytes(extra=b""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" + extra.decode())
    return buffer.getvalue()


@pytest.fixture
def open_cfp(conference_tree):
    open_conference_cfp(conference_tree["conference"])
    return conference_tree


def form_data(tree, **overrides):
    data = {
        "section": tree["methodology"].pk,
        "title": "Методическая служба сельской библиотеки",
        "abstract": "Опыт методической работы в Ижморском районе.",
        "format": "report",
        "last_name": "Петрова",
        "first_name": "Анна",
        "patronymic": "Ивановна",
        "email": "petrova@example.ru",
        "library": LibraryFactory(full_name="Ижморская МЦРБ").pk,
        "position": "методист",
        "consent": "on",
    }
    data.update(overrides)
    return data


def propose(client, tree, files=None, **overrides):
    data = form_data(tree, **overrides)
    if files:
        data.update(files)
    return client.post("/events/viii/propose/", data)


def test_proposal_is_received_and_author_gets_a_private_link(
    client, open_cfp, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(client, open_cfp, files={"file": SimpleUploadedFile("тезисы.pdf", PDF)})
    assert response.status_code == 302 and response["Location"].endswith("/propose/done/")
    proposal = Proposal.objects.get()
    assert proposal.consent_given_at is not None
    assert proposal.file.name.endswith(".pdf")
    assert proposal.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    (message,) = mail.outbox
    assert message.to == ["petrova@example.ru"]
    assert f"/events/viii/proposal/{proposal.token}/" in message.body
    status = client.get(f"/events/viii/proposal/{proposal.token}/")
    assert (
        "На рассмотрении" in status.content.decode() or "на рассмотрении" in status.content.decode()
    )


def test_closed_call_takes_nothing(client, conference_tree):
    response = client.post("/events/viii/propose/", form_data(conference_tree))
    assert response.status_code == 200
    assert "Приём заявок на доклады закрыт" in response.content.decode()
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "проверено содержимое"),
        ("empty.pdf", b"", "пуст"),
        ("bomb.docx", docx_bytes(b"0" * 5_000_000), "распаковывается"),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 100, "повреждён"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(client, open_cfp, name, content, message):
    response = propose(client, open_cfp, files={"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Proposal.objects.count() == 0
    assert "Методическая служба сельской библиотеки" in response.content.decode()  # kept


def test_oversized_file_is_refused(client, open_cfp, settings):
    settings.KUZBIB_EVENTS = {**settings.KUZBIB_EVENTS, "PROPOSAL_FILE_MAX_BYTES": len(PDF) - 1}
    response = propose(client, open_cfp, files={"file": SimpleUploadedFile("a.pdf", PDF)})
    assert "не более" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_path_tricks_in_file_names_are_neutralised(client, open_cfp):
    propose(
        client, open_cfp, files={"file": SimpleUploadedFile("../../\u202eetc\x00passwd.pdf", PDF)}
    )
    stored = Proposal.objects.get().file.name
    assert ".." not in stored and "\u202e" not in stored and "\x00" not in stored


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-email"},
        {"title": "x" * 10_000},
        {"abstract": "y" * 10_000},
        {"consent": ""},
        {"library": "", "new_library_name": ""},
        {"section": "999999"},
        {"format": "<script>"},
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, open_cfp, overrides):
    response = propose(client, open_cfp, **overrides)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert Proposal.objects.count() == 0


def test_html_in_fields_is_escaped_in_pages_and_mail(
    client, open_cfp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        propose(client, open_cfp, title="<script>alert(1)</script>", first_name="<b>Анна</b>")
    proposal = Proposal.objects.get()
    page = client.get(f"/events/viii/proposal/{proposal.token}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    html = mail.outbox[0].alternatives[0][0]
    assert "<b>Анна</b>" not in html and "&lt;b&gt;" in html


def test_forged_token_gets_the_russian_not_found(client, open_cfp):
    for token in ("forged", "x" * 5000, "Zm9yZ2VkLXRva2Vu-_"):
        response = client.get(f"/events/viii/proposal/{token}/")
        assert response.status_code == 404
        assert "Заявка не найдена" in response.content.decode()
    # Not token-shaped at all (Wagtail's routes take word characters only): the site's 404.
    for token in ("../../etc", "%00", "a/b", "%E2%80%AEabc", "' OR 1=1 --"):
        assert client.get(f"/events/viii/proposal/{token}/").status_code == 404


def test_author_withdraws_after_confirming(client, open_cfp):
    propose(client, open_cfp)
    proposal = Proposal.objects.get()
    status = f"/events/viii/proposal/{proposal.token}/"
    assert f'href="{status}withdraw/"' in client.get(status).content.decode()
    # The question: a page of its own, which changes nothing.
    assert client.get(status + "withdraw/").status_code == 200
    # A status page opened before asks first too.
    assert client.post(status, {"action": "withdraw"})["Location"] == status + "withdraw/"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert client.post(status + "withdraw/")["Location"] == status
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    # Nothing left to withdraw: the question is not asked again.
    assert client.get(status + "withdraw/")["Location"] == status
    assert "withdraw/" not in client.get(status).content.decode()


@pytest.fixture
def leader(django_user_model, open_cfp):
    """The methodology section's leader: may edit that section's page and its session only
    (as ``kuzbib_site/demo/events.py`` sets up leaders)."""
    user = django_user_model.objects.create_user("leader", password="x")
    pages = (open_cfp["methodology"], open_cfp["sessions"][0])
    return section_leader(user, pages, permissions=("view_proposal",))


def test_leader_accepts_a_proposal_of_their_section(
    client, open_cfp, leader, django_capture_on_commit_callbacks
):
    propose(client, open_cfp)
    proposal = Proposal.objects.get()
    client.force_login(leader)
    url = f"/admin/events/proposals/{proposal.pk}/decide/"
    assert "Методическая служба" in client.get(url).content.decode()
    session = open_cfp["sessions"][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"decision": "accept", "session": session.pk, "message": "Ждём вас на секции!"}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.decided_by == leader
    talk = proposal.talk
    assert talk.session_id == session.pk
    assert [p.full_name for p in talk.speakers.all()] == ["Петрова Анна Ивановна"]
    assert talk.title in client.get(session.url).content.decode()
    assert "Ждём вас на секции!" in mail.outbox[-1].body
    # A second click does not add a second talk.
    client.post(url, {"decision": "accept", "session": session.pk})
    assert Talk.objects.filter(title=proposal.title).count() == 1


def test_leader_cannot_decide_another_sections_proposal(client, open_cfp, leader):
    propose(client, open_cfp, section=open_cfp["local_history"].pk)
    proposal = Proposal.objects.get()
    client.force_login(leader)
    assert client.get(f"/admin/events/proposals/{proposal.pk}/decide/").status_code in {302, 403}
    assert client.get(f"/admin/events/proposals/{proposal.pk}/file/").status_code == 404
    assert list(proposals.decidable_by(leader)) == []
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the plain function
        proposals.reject(proposal, leader, "нет")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_editor_declines_with_a_message(
    admin_client, client, open_cfp, django_capture_on_commit_callbacks
):
    propose(client, open_cfp)
    proposal = Proposal.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/events/proposals/{proposal.pk}/decide/",
            {"decision": "reject", "message": "Тема уже заявлена."},
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert "Тема уже заявлена." in mail.outbox[-1].body


def test_accept_needs_a_session_of_the_same_conference(admin_client, client, open_cfp):
    propose(client, open_cfp)
    proposal = Proposal.objects.get()
    response = admin_client.post(
        f"/admin/events/proposals/{proposal.pk}/decide/", {"decision": "accept"}
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_private_file_only_for_deciders(admin_client, client, open_cfp):
    propose(client, open_cfp, files={"file": SimpleUploadedFile("t.pdf", PDF)})
    proposal = Proposal.objects.get()
    url = f"/admin/events/proposals/{proposal.pk}/file/"
    assert client.get(url).status_code == 302  # anonymous → login
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "/media/" not in proposal.file.path


def test_proposal_form_queries_do_not_grow(client, open_cfp, django_assert_max_num_queries):
    for _ in range(20):
        LibraryFactory()
    with django_assert_max_num_queries(15):
        assert client.get("/events/viii/propose/").status_code == 200
