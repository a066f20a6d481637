from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import EntryViewSet, admin_urls

register_snippet(EntryViewSet)
hooks.register("register_admin_urls", admin_urls)


@hooks.register("kuzbib_load_demo", order=-10)
def load_demo(home, stdout):
    """Runs before the events demo, whose resolution links item 5 to this contest."""
    from .demo import load

    load(home)
    stdout.write("Contests: КНИГИНЯ-2009 with 30 processed demo entries.")
