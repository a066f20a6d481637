from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import EntryViewSet, admin_urls

register_snippet(EntryViewSet)
hooks.register("register_admin_urls", admin_urls)
