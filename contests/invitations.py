"""Inviting jurors. A contest's manager adds a jury member by e-mail address (``add_member``):
the site user with that address is found (in any letter case) or made — user name = the
address, no password yet, no admin access — and the invitation is e-mailed once the member is
committed (``send_invitation``, through ``base.mail.send_once`` on ``invitation_sent_at``).

A juror without a password is sent a link to set one (``/jury/welcome/<uidb64>/<token>/``,
Django's ``default_token_generator``: it works for ``PASSWORD_RESET_TIMEOUT`` and only until a
password is set), then the jury room's; one who has a password already is sent the sign-in
link. «Invite again» in the admin (``invite_again``) frees the marker on purpose.

At most one chair per contest and one membership per user and contest: the admin's form says so
first, ``add_member`` and ``change_member`` check again under the contest's row lock. While
judging is open, a new juror, a juror's new library (conflicts of interest) or a removed juror
makes the assignments again once committed (``contests.assignment.assign``)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.mail import build_email, send_once
from kuzbib_site.base.queue import enqueue_on_commit

from . import assignment
from .conf import setting
from .models import ContestPage, Judging, JuryMember

SUBJECT = _("Invitation to the jury of the contest «%(contest)s»")
DUPLICATE = _("This person is already in the jury of this contest.")
SECOND_CHAIR = _("The contest already has a chair of the jury: %(name)s.")
#: The longest e-mail address taken: it is also the new user's name (150 characters at most).
EMAIL_MAX_LENGTH = 150


# --- Who --------------------------------------------------------------------------------------


def normalise_email(email):
    return (email or "").strip().lower()


def find_user(email):
    """The site user with ``email`` in any letter case (the one signing in with it as their
    user name first, then the oldest), or None."""
    email = normalise_email(email)
    users = get_user_model()._default_manager.filter(email__iexact=email)
    exact = users.filter(username__iexact=email).first()
    return exact or users.order_by("pk").first()


def find_or_create_user(email, first_name="", last_name=""):
    """The user with ``email``, or a new one named by it: no usable password (the invitation's
    link sets it), no admin access. Empty names of a found user are filled in, others kept."""
    user = find_user(email)
    model = get_user_model()
    if user is None:
        email = normalise_email(email)
        user, created = model._default_manager.get_or_create(
            username=email,
            defaults={"email": email, "first_name": first_name, "last_name": last_name},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
    changed = []
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value and not getattr(user, field):
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


def check_member(contest, user, role, member=None):
    """Raise ``ValidationError`` if ``user`` (as ``role``) may not join ``contest``'s jury:
    already in it, or a second chair. ``member`` is the membership being changed, if any."""
    others = JuryMember.objects.filter(contest=contest)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if user is not None and others.filter(user=user).exists():
        raise ValidationError(DUPLICATE, code="duplicate")
    if role == JuryMember.Role.CHAIR:
        chair = others.filter(role=JuryMember.Role.CHAIR).select_related("user").first()
        if chair is not None:
            raise ValidationError(SECOND_CHAIR, code="second_chair", params={"name": chair.name})


def _lock(contest):
    ContestPage.objects.select_for_update(of=("self",)).filter(pk=contest.pk).only("pk").first()


# --- Changing the jury ----------------------------------------------------------------------------


def judging_is_open(contest):
    return Judging.objects.filter(contest=contest, state=Judging.State.OPEN).exists()


def reassign_on_commit(contest):
    """While judging is open, make the assignments again once the change is committed. A
    failure is logged (Django's on_commit) and mended by the next run of ``assign``; the
    change of the jury stands."""
    if judging_is_open(contest):
        transaction.on_commit(lambda: assignment.assign(contest), robust=True)


def add_member(
    contest, email, *, first_name="", last_name="", role=JuryMember.Role.MEMBER, library=None
):
    """Add the person with ``email`` to ``contest``'s jury and e-mail the invitation once
    committed; raises ``ValidationError`` (nothing saved) for a duplicate or a second chair."""
    with transaction.atomic():
        _lock(contest)
        check_member(contest, find_user(email), role)
        user = find_or_create_user(email, first_name, last_name)
        member = JuryMember.objects.create(contest=contest, user=user, role=role, library=library)
        invite_on_commit(member)
        reassign_on_commit(contest)
    return member


def change_member(member, *, role, library):
    """Change a juror's role or library; a second chair raises ``ValidationError``."""
    with transaction.atomic():
        _lock(member.contest)
        check_member(member.contest, None, role, member=member)
        library_changed = member.library_id != (library.pk if library else None)
        member.role, member.library = role, library
        member.save(update_fields=["role", "library"])
        if library_changed:
            reassign_on_commit(member.contest)
    return member


def remove_member(member, delete=None):
    """Take a juror off the jury by ``delete()`` (the admin's, which logs it; by default
    ``member.delete``). One who has started a score sheet stays: removing them would delete
    their scores and the audit log with them. Returns whether they were removed."""
    with transaction.atomic():
        _lock(member.contest)
        if member.assignments.filter(sheet__isnull=False).exists():
            return False
        (delete or member.delete)()
        reassign_on_commit(member.contest)
    return True


# --- The invitation ---------------------------------------------------------------------------


def invite_on_commit(member):
    from .tasks import send_jury_invitation  # noqa: PLC0415 — tasks import this module

    enqueue_on_commit(send_jury_invitation, member_id=member.pk)


def invite_again(member):
    """«Invite again»: the marker is freed on purpose and the invitation sent anew (a fresh
    link, if the juror still has no password)."""
    JuryMember.objects.filter(pk=member.pk).update(invitation_sent_at=None)
    invite_on_commit(member)


def send_invitation(member_id):
    """The invitation of jury member ``member_id``, sent once however often the task runs;
    nothing for a member gone, a user deactivated or without an address."""
    member = (
        JuryMember.objects.select_related("user", "contest")
        .filter(pk=member_id, user__is_active=True)
        .exclude(user__email="")
        .first()
    )
    if member is not None:
        send_once(member, "invitation_sent_at", build_invitation)


def unsent(now):
    """Members added more than ``SWEEP_AFTER_SECONDS`` and at most
    ``JURY_INVITATION_SWEEP_DAYS`` ago whose invitation has not gone out (a broker outage)."""
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    oldest = now - datetime.timedelta(days=setting("JURY_INVITATION_SWEEP_DAYS"))
    return list(
        JuryMember.objects.filter(
            invitation_sent_at=None, created_at__lt=waited, created_at__gte=oldest
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def site_url(contest, path):
    """``path`` on the site the contest is published on (a worker has no request to ask)."""
    site = contest.get_site()
    root = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    return root.rstrip("/") + path


def welcome_path(user):
    """The path of the link that lets ``user`` set a password, valid for
    ``PASSWORD_RESET_TIMEOUT`` and only until the password changes."""
    return reverse(
        "contests_jury:welcome",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )


def build_invitation(member):
    user, contest = member.user, member.contest
    context = {
        "member": member,
        "contest": contest,
        "role": member.get_role_display(),
        "jury_url": site_url(contest, reverse("contests_jury:dashboard")),
        "sign_in_url": site_url(contest, reverse("contests_jury:login")),
        "username": user.get_username(),
    }
    if user.has_usable_password():
        template = "contests/emails/jury_invitation_sign_in"
    else:
        template = "contests/emails/jury_invitation"
        context["welcome_url"] = site_url(contest, welcome_path(user))
        context["expires_at"] = timezone.localtime(
            timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        )
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(SUBJECT) % {"contest": contest.title}
    return build_email(user.email, subject, template, context)
