from django import template
from wagtail.models import Page, Site

from kuzbib_site.base.restrictions import public

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Top-level pages shown in menus, from the page tree: one query (the request's view
    restrictions are read once, ``kuzbib_site.base.restrictions``)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return Page.objects.none()
    return public(site.root_page.get_children().live().in_menu(), request)


@register.simple_tag(takes_context=True)
def breadcrumbs(context, page):
    """Ancestors of ``page`` below the site root (the root is the «Главная» crumb): one query."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None or page is None:
        return []
    return list(page.get_ancestors().filter(depth__gt=site.root_page.depth).live())


@register.filter
def quoted(title):
    """A title in «ёлочки», unless it already opens with them: «Ночь в библиотеке»: маскарад
    stays as it is, Ночь в библиотеке becomes «Ночь в библиотеке» — never ««…»»."""
    title = str(title)
    return title if title.startswith("«") else f"«{title}»"


@register.simple_tag
def page_numbers(page_obj):
    """The page numbers a pagination bar shows for ``page_obj`` (a Django ``Page``): the first and
    last, the current one and its neighbours, ``None`` for each gap — «1 … 4 5 6 … 20»."""
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    ]
