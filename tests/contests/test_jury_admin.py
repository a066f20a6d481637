"""«Жюри» in the admin: the jury of each contest, adding a member by e-mail (the user found or
made, the invitation sent once), bad input (an address that is not one, a second chair, the
same person twice), «Invite again», taking a member off, the assignments made again while
judging is open, and who may do any of it (the model's own permissions, not the entries')."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.html import escape

from contests import invitations
from contests.models import Assignment, Judging, JuryMember, ScoreSheet
from tests.factories import LibraryFactory
from tests.factories.contests import ContestIndexPageFactory, contest_staff
from tests.factories.jury import JuryMemberFactory, judged_contest

pytestmark = pytest.mark.django_db

LIST = "/admin/contests/jury/"
ADD = LIST + "new/"


def in_russian(message, **params):
    with translation.override("ru"):
        text = str(message)
    return escape(text % params if params else text)


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


@pytest.fixture
def contest(index):
    return judged_contest(index, entries=3, jurors=2, title="КНИГИНЯ")


@pytest.fixture
def other_contest(index):
    return judged_contest(index, entries=1, jurors=1, title="Читающая семья")


@pytest.fixture
def manager():
    return contest_staff(
        "manager", "add_jurymember", "change_jurymember", "delete_jurymember", "view_jurymember"
    )


@pytest.fixture
def editor():
    """Manages entries, not the jury."""
    return contest_staff("editor", "view_entry", "change_entry")


def new_member(to, **fields):
    return {
        "contest": to.pk,
        "email": "Sergeeva@Example.ru",
        "last_name": "Сергеева",
        "first_name": "Ирина Петровна",
        "role": JuryMember.Role.MEMBER,
        "library": "",
        **fields,
    }


def test_the_listing_shows_a_contest_s_jury(client, manager, contest, other_contest):
    client.force_login(manager)
    html = client.get(LIST, {"contest": contest.pk}).content.decode()
    for member in contest.jury.all():
        assert member.user.email in html
    assert other_contest.jury.get().user.email not in html
    assert f"{ADD}?contest={contest.pk}" in html
    with translation.override("ru"):
        # Not Wagtail's «Добавить член жюри»: the accusative.
        assert translation.gettext("Add a jury member") == "Добавить члена жюри"
    assert "Добавить члена жюри" in html
    assert client.get(LIST).status_code == 200
    assert client.get(LIST, {"contest": "99999999999999999999999"}).status_code == 200


def test_adding_a_member_finds_or_makes_the_user_and_invites_once(
    client, manager, contest, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    assert client.get(ADD, {"contest": contest.pk}).status_code == 200
    library = LibraryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, new_member(contest, library=library.pk))
    assert response.status_code == 302
    member = contest.jury.get(user__email="sergeeva@example.ru")
    assert member.library == library and member.role == JuryMember.Role.MEMBER
    user = member.user
    assert user.username == "sergeeva@example.ru" and user.last_name == "Сергеева"
    assert not user.has_usable_password() and not user.has_perm("wagtailadmin.access_admin")
    [invitation] = mail.outbox
    assert invitation.to == ["sergeeva@example.ru"] and "/jury/welcome/" in invitation.body
    member.refresh_from_db()
    assert member.invitation_sent_at is not None

    # The same person for another contest: the same user, no second account.
    other = judged_contest(contest.get_parent(), entries=1, jurors=0, title="Другой конкурс")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, new_member(other, email="SERGEEVA@example.RU"))
    assert other.jury.get().user == user
    assert len(mail.outbox) == 2


def test_bad_input_is_refused_with_nothing_changed(
    client, manager, contest, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    chair = contest.jury.get(role=JuryMember.Role.CHAIR)
    member = contest.jury.get(role=JuryMember.Role.MEMBER)
    users_before = type(chair.user).objects.count()
    cases = {
        "not an address": (new_member(contest, email="sergeeva@"), "email"),
        "a second chair": (
            new_member(contest, role=JuryMember.Role.CHAIR),
            in_russian(invitations.SECOND_CHAIR, name=chair.name),
        ),
        "the same person twice": (
            new_member(contest, email=member.user.email.upper()),
            in_russian(invitations.DUPLICATE),
        ),
        "no contest": (new_member(contest, contest=""), "contest"),
        "a contest that is not one": (new_member(contest, contest="99999999999"), "contest"),
        "a role that is not one": (new_member(contest, role="president"), "role"),
        "too long": (new_member(contest, email="a" * 140 + "@example.ru"), "email"),
    }
    for what, (data, expected) in cases.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(ADD, data)
        assert response.status_code == 200, what
        assert expected in response.content.decode(), what
    assert contest.jury.count() == 2
    assert type(chair.user).objects.count() == users_before
    assert mail.outbox == []


def test_a_member_cannot_become_a_second_chair(client, manager, contest):
    client.force_login(manager)
    chair = contest.jury.get(role=JuryMember.Role.CHAIR)
    member = contest.jury.get(role=JuryMember.Role.MEMBER)
    edit = f"{LIST}edit/{member.pk}/"
    response = client.post(edit, {"role": JuryMember.Role.CHAIR, "library": ""})
    assert response.status_code == 200
    assert in_russian(invitations.SECOND_CHAIR, name=chair.name) in response.content.decode()
    member.refresh_from_db()
    assert member.role == JuryMember.Role.MEMBER

    # The chair may step down, and then the member may take the chair.
    library = LibraryFactory()
    assert (
        client.post(
            f"{LIST}edit/{chair.pk}/", {"role": JuryMember.Role.MEMBER, "library": library.pk}
        ).status_code
        == 302
    )
    assert client.post(edit, {"role": JuryMember.Role.CHAIR, "library": ""}).status_code == 302
    chair.refresh_from_db()
    member.refresh_from_db()
    assert (chair.role, chair.library, member.role) == ("member", library, "chair")


def test_a_second_chair_added_at_the_same_moment_is_refused_too(contest):
    """The form's check may pass in two tabs at once; ``add_member`` checks again under the
    contest's lock."""
    with pytest.raises(ValidationError):
        invitations.add_member(contest, "second@example.ru", role=JuryMember.Role.CHAIR)
    assert not JuryMember.objects.filter(user__email="second@example.ru").exists()


def test_invite_again(client, manager, contest, django_capture_on_commit_callbacks):
    client.force_login(manager)
    member = contest.jury.get(role=JuryMember.Role.MEMBER)
    JuryMember.objects.filter(pk=member.pk).update(invitation_sent_at=timezone.now())
    url = f"{LIST}{member.pk}/invite/"
    assert url in client.get(LIST, {"contest": contest.pk}).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and member.user.email in page.content.decode()
    assert mail.outbox == []  # asking sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [member.user.email] and "/jury/login/" in message.body
    assert client.post(f"{LIST}999999/invite/").status_code == 404


def test_a_juror_who_has_started_scoring_stays(client, manager, contest):
    client.force_login(manager)
    member = contest.jury.get(role=JuryMember.Role.MEMBER)
    assignment = Assignment.objects.create(juror=member, entry=contest.entries.first())
    ScoreSheet.objects.create(assignment=assignment)
    response = client.post(f"{LIST}delete/{member.pk}/")
    assert response.status_code == 302
    assert JuryMember.objects.filter(pk=member.pk).exists()
    assert ScoreSheet.objects.filter(assignment=assignment).exists()

    ScoreSheet.objects.filter(assignment=assignment).delete()
    assert client.post(f"{LIST}delete/{member.pk}/").status_code == 302
    assert not JuryMember.objects.filter(pk=member.pk).exists()


def test_while_judging_is_open_a_new_juror_gets_entries(
    client, manager, contest, django_capture_on_commit_callbacks
):
    Judging.objects.create(contest=contest, state=Judging.State.OPEN, opened_at=timezone.now())
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, new_member(contest))
    member = contest.jury.get(user__email="sergeeva@example.ru")
    assert set(Assignment.objects.filter(juror=member).values_list("entry", flat=True)) == set(
        contest.entries.values_list("pk", flat=True)
    )


def test_while_judging_is_prepared_nobody_gets_entries_yet(
    contest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = invitations.add_member(contest, "later@example.ru")
    assert not Assignment.objects.filter(juror=member).exists()


def test_only_those_with_the_jury_permissions_manage_it(
    client, editor, contest, django_capture_on_commit_callbacks
):
    member = contest.jury.get(role=JuryMember.Role.MEMBER)
    client.force_login(editor)
    assert LIST not in client.get("/admin/").content.decode()  # no menu item
    for url in (
        LIST,
        ADD,
        f"{LIST}edit/{member.pk}/",
        f"{LIST}delete/{member.pk}/",
        f"{LIST}{member.pk}/invite/",
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert member.user.email not in response.content.decode(), url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, new_member(contest))
        client.post(f"{LIST}{member.pk}/invite/")
        client.post(f"{LIST}delete/{member.pk}/")
    assert contest.jury.count() == 2 and mail.outbox == []

    # A juror, signed in, has no admin at all.
    client.force_login(member.user)
    assert client.get(LIST).status_code == 302


def test_view_permission_shows_the_list_and_nothing_more(client, contest):
    viewer = contest_staff("viewer", "view_jurymember")
    member = contest.jury.get(role=JuryMember.Role.MEMBER)
    client.force_login(viewer)
    html = client.get(LIST).content.decode()
    assert member.user.email in html
    assert ADD not in html and f"{member.pk}/invite/" not in html
    assert client.get(ADD).status_code in {302, 403}
    assert client.post(f"{LIST}{member.pk}/invite/").status_code in {302, 403}
    assert mail.outbox == []


def test_jury_of_a_contest_lists_without_more_queries_per_member(
    manager, contest, assert_queries_bounded, client
):
    client.force_login(manager)

    def more():
        for _ in range(5):
            JuryMemberFactory(contest=contest)

    assert_queries_bounded([f"{LIST}?contest={contest.pk}"], more, cap=40)
