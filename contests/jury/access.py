"""Who may enter the jury room and what of it: every view reaches a contest only through the
signed-in user's own ``JuryMember`` row, so a juror guessing another contest's id, an entry
number or a sheet id gets a 404, never someone else's data."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse

from ..models import JuryMember


def juror_required(view):
    """The view needs a signed-in user; others go to the jury room's sign-in page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("contests_jury:login"))
        return view(request, *args, **kwargs)

    return wrapper


def membership(request, contest_id, chair=False):
    """The signed-in user's membership of the jury of contest ``contest_id`` (with its contest),
    or 404; with ``chair``, only the chair's."""
    memberships = JuryMember.objects.select_related("contest", "user", "library").filter(
        contest_id=contest_id, user=request.user, contest__live=True
    )
    if chair:
        memberships = memberships.filter(role=JuryMember.Role.CHAIR)
    member = memberships.first()
    if member is None:
        raise Http404
    return member
