"""``{% published_collection page as collection %}``: the contest page's link to the winners'
collection, shown once the results are published and a collection is ready."""

from django import template

from contests import collection

register = template.Library()


@register.simple_tag
def published_collection(contest):
    return collection.published(contest)
