"""Jurors' accounts: the invitation e-mail (a link to set a password, or the sign-in link for
someone who has one), setting the password from the link (and every way the link can be
wrong), signing in by e-mail or user name under django-axes, a safe ``next``, signing out, and
what the jury room shows to whom."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from contests import invitations, tasks
from contests.models import JuryMember
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import JuryMemberFactory, UserFactory, judged_contest

pytestmark = pytest.mark.django_db

LOGIN = "/jury/login/"
LOGOUT = "/jury/logout/"
JURY = "/jury/"
#: UserFactory's password.
PASSWORD = "password"  # noqa: S105
NEW_PASSWORD = "Берёзовая-роща-2026"
WELCOME_LINK = re.compile(r"https?://[^/\s]+(/jury/welcome/[^/\s]+/[^/\s]+/)")


def in_russian(message):
    """``message`` (a msgid, or a lazy translation) as the Russian page shows it."""
    with translation.override("ru"):
        return escape(translation.gettext(str(message)))


@pytest.fixture
def contest(home_page):
    return judged_contest(ContestIndexPageFactory(parent=home_page), jurors=0, title="КНИГИНЯ")


def invite(contest, email, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return invitations.add_member(contest, email, **fields)


def welcome_path(user, generator=default_token_generator):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/jury/welcome/{uid}/{generator.make_token(user)}/"


def set_password(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


# --- The invitation -----------------------------------------------------------------------------


def test_a_new_juror_is_invited_to_set_a_password(
    client, contest, django_capture_on_commit_callbacks
):
    member = invite(
        contest,
        "  Novikova@Example.RU ",
        django_capture_on_commit_callbacks,
        first_name="Анна",
        last_name="Новикова",
        role=JuryMember.Role.CHAIR,
    )
    user = member.user
    assert user.username == user.email == "novikova@example.ru"
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert (user.first_name, user.last_name) == ("Анна", "Новикова")
    member.refresh_from_db()
    assert member.invitation_sent_at is not None

    [message] = mail.outbox
    assert message.to == ["novikova@example.ru"]
    assert "КНИГИНЯ" in message.subject
    text = message.body
    with translation.override("ru"):
        assert text.startswith(str(translation.gettext("Hello!")))
        assert str(JuryMember.Role.CHAIR.label) in text
    assert "http://localhost/jury/" in text
    html = message.alternatives[0][0]
    path = WELCOME_LINK.search(text).group(1)
    assert path in html

    form = client.get(path)
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    assert "novikova@example.ru" in form.content.decode()
    done = set_password(client, path)
    assert done.status_code == 302 and done["Location"] == JURY
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once: a password set, it says so and changes nothing.
    client.logout()
    used = set_password(client, path, "Другой-пароль-2026")
    assert used.status_code == 404
    assert in_russian("This link no longer works") in used.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_invitation_goes_once_and_again_on_request(contest, django_capture_on_commit_callbacks):
    member = invite(contest, "once@example.ru", django_capture_on_commit_callbacks)
    invitations.send_invitation(member.pk)  # a second delivery of the task
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_again(member)
    assert len(mail.outbox) == 2
    first, second = (WELCOME_LINK.search(m.body).group(1) for m in mail.outbox)
    assert (
        first.split("/")[3]
        == second.split("/")[3]
        == urlsafe_base64_encode(force_bytes(member.user_id))
    )


def test_someone_with_a_password_is_sent_the_sign_in_link(
    contest, django_capture_on_commit_callbacks
):
    existing = UserFactory(username="petrova", email="Petrova@example.ru", first_name="")
    member = invite(
        contest,
        "petrova@EXAMPLE.ru",
        django_capture_on_commit_callbacks,
        first_name="Ольга",
        last_name="Петрова",
    )
    assert member.user == existing
    existing.refresh_from_db()
    assert existing.first_name == "Ольга" and existing.check_password(PASSWORD)
    [message] = mail.outbox
    assert message.to == ["Petrova@example.ru"]
    assert "/jury/welcome/" not in message.body
    assert "http://localhost/jury/login/" in message.body and "petrova" in message.body


def test_the_sweeper_sends_an_invitation_a_broker_outage_kept(contest, settings):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "SWEEP_AFTER_SECONDS": 0}
    lost = JuryMemberFactory(contest=contest)  # made without the on-commit send
    old = JuryMemberFactory(contest=contest)
    JuryMember.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=8)
    )
    jurors = {lost.user.email, old.user.email}

    def invited():
        return [message.to for message in mail.outbox if jurors & set(message.to)]

    tasks.sweep()
    assert invited() == [[lost.user.email]]
    tasks.sweep()
    assert invited() == [[lost.user.email]]


# --- Bad links ------------------------------------------------------------------------------------


class LongAgo(PasswordResetTokenGenerator):
    """Django's generator as it was a day more than a link lasts ago."""

    def _now(self):
        return super()._now() - datetime.timedelta(days=4)


@pytest.fixture
def newcomer():
    user = UserFactory(username="newcomer@example.ru", email="newcomer@example.ru")
    user.set_unusable_password()
    user.save()
    return user


def bad_links(user, other):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return {
        "tampered": f"/jury/welcome/{uid}/{token[:-1]}{'a' if token[-1] != 'a' else 'b'}/",
        "expired": welcome_path(user, LongAgo()),
        "someone else's uid": (
            f"/jury/welcome/{urlsafe_base64_encode(force_bytes(other.pk))}/{token}/"
        ),
        "not base64": f"/jury/welcome/!!!/{token}/",
        "not a number": f"/jury/welcome/{urlsafe_base64_encode(b'abc')}/{token}/",
        "huge number": f"/jury/welcome/{urlsafe_base64_encode(b'9' * 30)}/{token}/",
        "very long": f"/jury/welcome/{'A' * 5000}/{token}/",
        "nobody": f"/jury/welcome/{urlsafe_base64_encode(b'987654321')}/{token}/",
        "long token": f"/jury/welcome/{uid}/{'1-' + 'a' * 3000}/",
    }


def test_every_bad_link_says_to_ask_the_organisers(client, settings, newcomer):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    other = UserFactory()
    for what, path in bad_links(newcomer, other).items():
        for response in (client.get(path), set_password(client, path)):
            assert response.status_code == 404, what
            page = response.content.decode()
            assert in_russian("This link no longer works") in page, what
            assert newcomer.email not in page and other.email not in page, what
    newcomer.refresh_from_db()
    other.refresh_from_db()
    assert not newcomer.has_usable_password() and other.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_deactivated_user_cannot_use_the_link(client, newcomer):
    path = welcome_path(newcomer)
    newcomer.is_active = False
    newcomer.save()
    assert client.get(path).status_code == 404


def test_a_weak_or_mismatched_password_is_refused(client, newcomer):
    path = welcome_path(newcomer)
    for first, second in (("12345678", "12345678"), ("newcomer1", "newcomer1"), ("a", "a")):
        response = client.post(path, {"new_password1": first, "new_password2": second})
        assert response.status_code == 200
        assert 'class="field__error"' in response.content.decode()
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": "другой"})
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


# --- Signing in and out ---------------------------------------------------------------------------


@pytest.fixture
def juror():
    return UserFactory(username="ivanova", email="Ivanova@Example.ru")


def sign_in(client, username, password=PASSWORD, address="10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def test_sign_in_by_user_name_or_e_mail_in_any_case(client, juror):
    assert client.get(LOGIN).status_code == 200
    for typed in ("ivanova", "ivanova@example.ru", " IVANOVA@example.RU "):
        response = sign_in(client, typed)
        assert response.status_code == 302 and response["Location"] == JURY, typed
        assert client.session["_auth_user_id"] == str(juror.pk)
        client.logout()


def test_a_wrong_password_signs_nobody_in(client, juror):
    response = sign_in(client, "ivanova@example.ru", "не-тот")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_next_is_followed_only_on_this_site(client, juror):
    for evil in (
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "http:/\\evil",
    ):
        page = client.get(LOGIN, {"next": evil}).content.decode()
        assert f'name="next" value="{JURY}"' in page
        response = sign_in(client, "ivanova", next=evil)
        assert response.status_code == 302 and response["Location"] == JURY, evil
        client.logout()
    response = sign_in(client, "ivanova", next="/jury/5/")
    assert response["Location"] == "/jury/5/"
    # Signed in already, the sign-in page sends on at once.
    assert client.get(LOGIN, {"next": "https://evil.example/"})["Location"] == JURY


def test_failures_lock_the_account_from_that_address(client, juror, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert sign_in(client, "ivanova@example.ru", "wrong").status_code == 200
    locked = sign_in(client, "ivanova", "wrong")  # the same account, typed the other way
    assert locked.status_code == 429
    assert "base/lockout.html" in [t.name for t in locked.templates]
    assert sign_in(client, "ivanova@example.ru").status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "ivanova", address="10.0.0.2").status_code == 302


def test_sign_out_takes_a_post(client, juror):
    client.force_login(juror)
    assert client.get(LOGOUT).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


# --- The jury room from each side -----------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(JURY)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={JURY}"


def test_someone_not_in_any_jury_sees_no_contest(client, contest):
    JuryMemberFactory(contest=contest)
    participant = UserFactory()
    client.force_login(participant)
    response = client.get(JURY)
    assert response.status_code == 200
    page = response.content.decode()
    assert in_russian("You are not on the jury of any contest.") in page
    assert contest.title not in page
    assert client.get(f"/jury/{contest.pk}/entry/1/").status_code == 404
