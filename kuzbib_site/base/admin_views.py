"""What the admin pages of every app share."""

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page of ours with its own title. Wagtail's header shows the last breadcrumb as
    the page's heading, so the trail ends with the page's title: without it every such page was
    headed «Главная». Views with a longer trail override ``get_breadcrumbs_items``."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]
