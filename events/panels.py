from wagtail.admin.panels import Panel


class ProceedingsPanel(Panel):
    """Shows the proceedings' status in the conference editor, with a link to (re)build them."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/admin/proceedings_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["conference"] = self.instance
            return context
