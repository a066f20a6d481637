"""The e-mails to an application's contact person: the receipt and each decision go once,
whatever the number of times their task runs; what the family and the editors typed is escaped
in the HTML; the sweeper sends what a broker outage left unsent, and nothing twice."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation

from dynasties import emails, tasks
from dynasties.domain import application as applications
from dynasties.models import Application
from tests.factories.dynasties import ApplicationFactory, FestivalPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def festival(home_page):
    return FestivalPageFactory(parent=home_page, slug="festival")


def test_the_receipt_goes_once_with_the_private_link(festival, mailoutbox):
    application = ApplicationFactory(festival=festival, family_name="<b>Ивановы</b>")
    tasks.send_receipt.delay(application_id=application.pk)
    tasks.send_receipt.delay(application_id=application.pk)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [application.email]
    assert festival.title in message.subject and "Ивановы" not in message.subject
    link = f"http://localhost/festival/zayavka/{application.token}/"
    assert link in message.body and "<b>Ивановы</b>" in message.body
    html = message.alternatives[0][0]
    assert link in html
    assert "&lt;b&gt;Ивановы&lt;/b&gt;" in html and "<b>Ивановы" not in html
    application.refresh_from_db()
    assert application.receipt_sent_at is not None


def test_the_editors_message_is_emailed_escaped(
    festival, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(festival=festival)
    message = 'Уточните годы <script>alert("x")</script>\nи фамилию бабушки.'
    with django_capture_on_commit_callbacks(execute=True):
        applications.return_for_corrections(application, admin_user, message)
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert "<script>" not in sent.subject
    assert message in sent.body
    html = sent.alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<br>и фамилию бабушки." in html
    assert f"/zayavka/{application.token}/" in html
    tasks.send_status.delay(application_id=application.pk)
    assert len(mailoutbox) == 1


def test_each_decision_has_its_own_email(
    festival, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    accepted, rejected = (
        ApplicationFactory(festival=festival),
        ApplicationFactory(festival=festival),
    )
    with django_capture_on_commit_callbacks(execute=True):
        applications.accept(accepted, admin_user)
        applications.reject(rejected, admin_user, "Семья не из Кузбасса.")
    by_address = {message.to[0]: message for message in mailoutbox}
    with translation.override(settings.LANGUAGE_CODE):
        said = str(Application.Status.ACCEPTED.label)
    assert said in by_address[accepted.email].subject
    assert "Семья не из Кузбасса." in by_address[rejected.email].body
    assert "Семья не из Кузбасса." not in by_address[accepted.email].body


def test_nothing_is_sent_to_an_erased_or_undecided_application(festival, mailoutbox):
    erased = ApplicationFactory(festival=festival, anonymised_at=timezone.now())
    waiting = ApplicationFactory(festival=festival)
    emails.send_receipt(erased.pk)
    emails.send_status(waiting.pk)
    emails.send_status(0)  # gone: quietly nothing
    assert mailoutbox == []


def test_the_sweeper_sends_what_was_left_unsent_once(festival, admin_user, mailoutbox):
    now = timezone.now()
    long_ago = now - datetime.timedelta(hours=2)
    lost = ApplicationFactory(festival=festival)
    fresh = ApplicationFactory(festival=festival)
    demo = ApplicationFactory(festival=festival, is_demo=True)
    decided = ApplicationFactory(festival=festival)
    # Decided while the broker was away: its on-commit task never ran.
    applications.reject(decided, admin_user, "Нет.")
    Application.objects.filter(pk__in=[lost.pk, demo.pk, decided.pk]).update(
        created_at=long_ago, updated_at=long_ago
    )
    Application.objects.filter(pk=decided.pk).update(receipt_sent_at=long_ago)
    assert emails.unsent_receipts(now) == [lost.pk]
    assert emails.unsent_statuses(now) == [decided.pk]
    tasks.sweep_mail.delay()
    tasks.sweep_mail.delay()
    assert sorted(message.to[0] for message in mailoutbox) == sorted([lost.email, decided.email])
    assert fresh.email not in {message.to[0] for message in mailoutbox}
