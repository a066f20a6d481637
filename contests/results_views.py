"""The contest page's ``results/`` route (``ContestPage.results``): the winners of each
nomination — place, name, library, entry title — and the special prizes, as the chair published
them (``Result`` rows, frozen at publication). Before publication everyone, jurors and the
chair included, gets a «not published yet» page with status 404: nothing of the ranking leaks
from here while judging goes on."""

from django.db.models import Q
from django.template.response import TemplateResponse

from . import scoring
from .models import Judging, Result


def results(request, contest):
    published = Judging.objects.filter(contest=contest, state=Judging.State.PUBLISHED).values_list(
        "published_at", flat=True
    )
    if not published:
        context = {"page": contest, "self": contest, "published": False}
        return TemplateResponse(request, "contests/results.html", context, status=404)
    rows = (
        Result.objects.filter(contest=contest)
        .filter(Q(place__lte=scoring.PODIUM) | ~Q(special_prize=""))
        .select_related("entry__library", "nomination")
        .only(
            "place",
            "tied",
            "special_prize",
            "nomination__title",
            "nomination__sort_order",
            "entry__number",
            "entry__title",
            "entry__last_name",
            "entry__first_name",
            "entry__patronymic",
            "entry__new_library_name",
            "entry__library__full_name",
        )
        .order_by("nomination__sort_order", "nomination_id", "place", "entry__number")
    )
    nominations = {}
    for row in rows:
        group = nominations.setdefault(
            row.nomination_id, {"nomination": row.nomination, "winners": [], "prizes": []}
        )
        if row.is_winner:
            group["winners"].append(row)
        if row.special_prize:
            group["prizes"].append(row)
    context = {
        "page": contest,
        "self": contest,
        "published": True,
        "published_at": published[0],
        "nominations": list(nominations.values()),
    }
    return TemplateResponse(request, "contests/results.html", context)
