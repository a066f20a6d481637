"""The events pages' lists edited in the admin: people and pages picked with Wagtail's choosers
(several at once, in an order the editor sets) and inline items such as talks.

Wagtail writes a list's button as «Add {label}» and heads each item «{Label} 1» with the same
label; Russian needs the accusative on the button («Добавить докладчика») and the nominative in
the heading («Докладчик 1»). So these panels take ``add_label``, the button's whole text,
translated as a sentence of its own.
"""

from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import FieldPanel, InlinePanel, MultipleChooserPanel
from wagtail.models import Orderable


class AddLabelMixin:
    def __init__(self, *args, add_label, **kwargs):
        self.add_label = add_label
        super().__init__(*args, **kwargs)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "add_label": self.add_label}


class ItemsPanel(AddLabelMixin, InlinePanel):
    """An ``InlinePanel`` whose button reads ``add_label`` («Добавить рабочую группу»)."""

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "events/panels/inline_panel.html"


class ChosenOnceFormSet(BaseChildFormSet):
    """The chooser lets an editor pick someone already in the list; the links are unique, so
    say so in words instead of naming the table's columns."""

    def get_unique_error_message(self, unique_check):
        return _("The same one is chosen twice: delete the repeated item.")


class ChosenItemsPanel(AddLabelMixin, MultipleChooserPanel):
    """A ``MultipleChooserPanel`` — an orderable list of chosen people or pages, several picked
    at once in the chooser — whose button reads ``add_label`` («Добавить докладчика»)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = ChosenOnceFormSet
        return options

    class BoundPanel(MultipleChooserPanel.BoundPanel):
        template_name = "events/panels/multiple_chooser_panel.html"


class ChosenPerson(Orderable):
    """A person picked into a list with ``ChosenItemsPanel`` (a section's members, a session's
    moderators, a talk's speakers), in the order the editor put them. A subclass adds its
    ``ParentalKey``, the ``person`` key with its own label, and the constraint that keeps a
    person once in its list."""

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True
        # Links made outside the editor (the many-to-many's add()) have no order: oldest first.
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return str(self.person)
