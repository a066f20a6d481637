"""Published results for the tests of what judging produces (diplomas, the protocol, the
winners' collection): ``Result`` rows and a published ``Judging`` made directly, as the chair's
publishing leaves them, without scoring a sheet."""

from django.utils import timezone

from contests.models import Entry, Judging, Result
from tests.factories.jury import judged_contest


def publish_results(contest, special_prizes=None):
    """Freeze the results of ``contest``: in each nomination its READY entries in number order
    take places 1, 2, 3, …; ``special_prizes`` maps an entry to its prize. Winners keep their
    public name, as publishing does. Returns the results, by nomination and place."""
    special_prizes = special_prizes or {}
    results = []
    for nomination in contest.nominations.all():
        entries = Entry.objects.filter(
            contest=contest, nomination=nomination, status=Entry.Status.READY
        ).order_by("number")
        for place, entry in enumerate(entries, 1):
            result, _created = Result.objects.update_or_create(
                entry=entry,
                defaults={
                    "contest": contest,
                    "nomination": nomination,
                    "place": place,
                    "special_prize": special_prizes.get(entry, ""),
                    "score": 90.0 - 5 * place,
                    "mean": 90.0 - 5 * place,
                    "sheets": 3,
                },
            )
            if result.is_winner:
                Entry.objects.filter(pk=entry.pk).update(keeps_public_name=True)
            results.append(result)
    Judging.objects.update_or_create(
        contest=contest,
        defaults={"state": Judging.State.PUBLISHED, "published_at": timezone.now()},
    )
    return results


def published_contest(parent, entries=4, nominations=1, special_prizes=None, **page):
    """A judged contest (``judged_contest``) whose results are published."""
    contest = judged_contest(parent, entries=entries, nominations=nominations, **page)
    publish_results(contest, special_prizes)
    return contest
