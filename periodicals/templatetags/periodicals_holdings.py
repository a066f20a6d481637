"""``{% held_in_print issue as held %}``: the libraries that hold an issue in print
(``holdings_query.libraries_holding``), for «Где прочитать печатный экземпляр»."""

from django import template

from ..holdings_query import libraries_holding

register = template.Library()


@register.simple_tag
def held_in_print(issue):
    return libraries_holding(issue)
