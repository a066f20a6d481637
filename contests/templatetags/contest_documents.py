"""``{% published_collection page as collection %}``: the contest page's link to the winners'
collection, shown once the results are published and a collection is ready."""

from django import template

from contests import collection

register = template.Library()


@register.simple_tag
def published_collection(contest):
    # The page's judging row, loaded once for the page's results link too: no query of its own
    # until the results are published.
    judging = getattr(contest, "judging", None)
    if judging is None or not judging.is_published:
        return None
    return collection.newest_ready(contest)
