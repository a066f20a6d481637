"""The admin's page for the personal-data retention job: the dry run (what is due, per kind of
record, and since when) and a button to run it now. Shown to users who may change or delete
the records of at least one kind; each sees and runs only those kinds."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import retention
from .queue import enqueue
from .tasks import retention as retention_task


def allowed_keys(user):
    return [policy.key for policy in retention.policies() if policy.user_may_run(user)]


class RetentionReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "base/admin/retention.html"
    page_title = gettext_lazy("Personal data retention")
    header_icon = "bin"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not allowed_keys(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = retention.report(user=self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "total_due": sum(row["due"] for row in rows),
        }

    def post(self, request):
        # A Celery task, not this request: thousands of records may be due at once.
        if enqueue(retention_task, keys=allowed_keys(request.user)):
            messages.success(
                request,
                _("The retention job is started; reload this page in a minute to see the result."),
            )
        else:
            messages.error(
                request, _("The job could not be started now; the daily run will do it.")
            )
        return redirect("base_reports:retention")
