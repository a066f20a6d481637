from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Top-level pages shown in menus, from the page tree: one query."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return Page.objects.none()
    return site.root_page.get_children().live().public().in_menu()


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
