"""The dynasty page editor's read-only view of the family as last saved: the figures and the tree
the public page will show, so that an editor sees at once what the member numbers, kinship and
work periods typed above add up to."""

from wagtail.admin.panels import Panel

from . import family as families
from . import tree


class FamilyPanel(Panel):
    """Figures and family tree of the page's family (the revision being edited)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "dynasties/admin/family_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            family = page.family()
            context["has_members"] = bool(family.people)
            # The page form refuses a family with problems; a revision saved before a check
            # was added may still have some: they are listed instead of a tree.
            context["problems"] = families.problems(family) if family.people else []
            if family.people and not context["problems"]:
                figures = families.figures(family)
                context["figures"] = figures
                context["tree"] = tree.draw(
                    family, figures, title=page.title or page.family_name, prefix="editor-tree"
                )
            return context
