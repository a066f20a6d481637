"""«Download all entries (ZIP)» in the admin: a contest's ZIP archives of all its entries, a
request for a new one and the download of a ready one (``archive`` builds them). For managers
(«Can change entry»): a ZIP holds every participant's files at once."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import archive
from .admin_views import can_change, entries_crumb
from .models import ContestPage, EntriesArchive


class ArchivesView(WagtailAdminTemplateMixin, TemplateView):
    """Without a contest, the contests to choose from; with one, its archives with their status
    and download links, and a button for a new one."""

    template_name = "contests/admin/archives.html"
    page_title = gettext_lazy("Download all entries (ZIP)")
    header_icon = "download"

    def dispatch(self, request, contest_id=None):
        if not can_change(request.user):
            raise PermissionDenied
        self.contest = get_object_or_404(ContestPage, pk=contest_id) if contest_id else None
        return super().dispatch(request, contest_id)

    def get_page_subtitle(self):
        return self.contest.title if self.contest else ""

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, entries_crumb()]
        if self.contest:
            items.append({"url": reverse("contests_archives"), "label": self.get_page_title()})
        return [*items, {"url": "", "label": self.get_header_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.contest is None:
            context["contests"] = ContestPage.objects.annotate(
                entry_count=Count("entries")
            ).order_by("-start")
        else:
            context["contest"] = self.contest
            context["archives"] = self.contest.archives.select_related("requested_by")[:20]
        return context


@require_POST
def request_archive(request, contest_id):
    """Ask for a new ZIP of the contest's entries (or join one asked for moments ago)."""
    if not can_change(request.user):
        raise PermissionDenied
    contest = get_object_or_404(ContestPage, pk=contest_id)
    archive.request(contest, request.user)
    messages.success(
        request,
        _("The ZIP of the entries is being prepared; reload this page to see when it is ready."),
    )
    return redirect("contests_contest_archives", contest.pk)


def download_archive(request, pk):
    """A ready archive, for managers (users who may change entries)."""
    ready = get_object_or_404(EntriesArchive.objects.select_related("contest"), pk=pk)
    if (
        not can_change(request.user)
        or ready.status != EntriesArchive.Status.READY
        or not ready.file
    ):
        raise Http404
    return FileResponse(
        ready.file.open("rb"), as_attachment=True, filename=archive.download_name(ready.contest)
    )
