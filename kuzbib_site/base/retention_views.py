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


def allowed_keys(user):
    return [policy.key for policy in retention.policies() if policy.user_may_run(user)]


class RetentionReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "base/admin/retention.html"
    page_title = gettext_lazy("Personal data retention")
    header_icon = "bin"

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
        done = retention.run(keys=allowed_keys(request.user))
        messages.success(
            request,
            _("Personal data erased from %(count)s records.") % {"count": sum(done.values())},
        )
        return redirect("base_reports:retention")
