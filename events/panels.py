from wagtail.admin.panels import Panel

from kuzbib_site.base.models import BackgroundBuild


class ProceedingsPanel(Panel):
    """Shows the proceedings' status in the conference editor, with a link to (re)build them,
    and links to the participants' documents: list, badges, certificates."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/admin/proceedings_panel.html"

        def get_context_data(self, parent_context=None):
            # documents imports the models, whose ConferencePage shows this panel.
            from .documents import certificates_available  # noqa: PLC0415

            context = super().get_context_data(parent_context)
            conference = self.instance
            context["conference"] = conference
            if conference.pk:
                builds = conference.proceedings_builds.all()
                context["build"] = builds.first()  # the latest
                context["built"] = builds.filter(status=BackgroundBuild.Status.READY).first()
            context["certificates_available"] = bool(
                conference.pk and conference.end and certificates_available(conference)
            )
            if context["certificates_available"]:
                # One query; the names link to each person's certificate.
                context["attendees"] = (
                    conference.registrations.filter(attended=True)
                    .only("pk", "last_name", "first_name", "patronymic")
                    .order_by("last_name", "first_name", "patronymic", "pk")
                )
            return context
