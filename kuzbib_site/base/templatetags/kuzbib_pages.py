"""Page helpers for the shared includes: the kind of a page in visitors' words."""

from django import template

from ..kinds import kind_of

register = template.Library()

register.filter("kind", kind_of)
