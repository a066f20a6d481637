"""Wagtail 8's admin strings that its own Russian catalogue leaves in English or counts wrongly
(«Есть 2 совпадений», «Удалить 3 страниц»: its plural forms for 2–4 repeat those for 5–20),
listed here so that ``make makemessages`` puts them in the core's catalogue and our translation
is the one the admin shows.

Django looks a message up in a catalogue of another plural formula first (ours has Russian's
three forms, Wagtail's four), so our translation of a msgid wins over Wagtail's; the msgids must
match Wagtail's templates and code exactly (``tests/test_admin_russian.py`` checks that each
one's Russian forms for 1, 2 and 5 differ and that the admin's pages show them)."""

from django.utils.translation import gettext_noop, ngettext_lazy

#: Wagtail's strings without a Russian translation of their own.
UNTRANSLATED = (
    # The page and snippet editors' footer: its <nav aria-label>, read out by screen readers.
    gettext_noop("Actions (footer)"),
    # The editors' dialog when saving fails (its text is on the page, hidden until then).
    gettext_noop("A network error occurred"),
    gettext_noop(
        "Troubleshoot your connection to the site before proceeding. "
        "Open the editor in a separate tab to view the last saved version."
    ),
    gettext_noop("View latest version"),
)

#: Wagtail's counted strings an editor of our pages and snippets meets, as Wagtail counts them
#: («counter»…: the number's name in Wagtail's template or code).
COUNTED = (
    # A listing searched or filtered: «Найдено 2 совпадения».
    ngettext_lazy("There is %(counter)s match", "There are %(counter)s matches", "counter"),
    ngettext_lazy("There is one matching page", "There are %(counter)s matching pages", "counter"),
    # Snippets deleted from a listing at once.
    ngettext_lazy(
        "%(count)d %(model_name)s deleted.", "%(count)d %(model_name)s deleted.", "count"
    ),
    # The page explorer: children, the bulk actions and their outcome.
    ngettext_lazy("1 page", "%(counter)s pages", "counter"),
    ngettext_lazy(
        "This page has one child page", "This page has %(counter)s child pages", "counter"
    ),
    ngettext_lazy("This page has one subpage", "This page has %(counter)s subpages", "counter"),
    ngettext_lazy(
        "This page has one unpublished subpage",
        "This page has %(counter)s unpublished subpages",
        "counter",
    ),
    ngettext_lazy(
        "This page has one subpage. Unpublish this too",
        "This page has %(live_descendant_count)s subpages. Unpublish these too",
        "live_descendant_count",
    ),
    ngettext_lazy("Delete 1 page", "Delete %(counter)s pages", "counter"),
    ngettext_lazy("Move 1 page", "Move %(counter)s pages", "counter"),
    ngettext_lazy("Publish 1 page", "Publish %(counter)s pages", "counter"),
    ngettext_lazy("Unpublish 1 page", "Unpublish %(counter)s pages", "counter"),
    ngettext_lazy(
        "This will also delete one more subpage.",
        "This will also delete %(counter)s more subpages.",
        "counter",
    ),
    ngettext_lazy(
        "Deleting this page will also delete %(descendant_count)s child page.",
        "Deleting this page will also delete %(descendant_count)s more child pages.",
        "descendant_count",
    ),
    ngettext_lazy(
        "This will copy %(count)s subpage.", "This will copy %(count)s subpages.", "count"
    ),
    ngettext_lazy(
        "%(num_parent_objects)d page has been deleted",
        "%(num_parent_objects)d pages have been deleted",
        "num_parent_objects",
    ),
    ngettext_lazy(
        "%(num_pages)d page has been moved", "%(num_pages)d pages have been moved", "num_pages"
    ),
    ngettext_lazy(
        "%(num_parent_objects)d page has been unpublished",
        "%(num_parent_objects)d pages have been unpublished",
        "num_parent_objects",
    ),
    ngettext_lazy(
        "%(num_parent_objects)d page", "%(num_parent_objects)d pages", "num_parent_objects"
    ),
    ngettext_lazy(
        "%(num_child_objects)d child page", "%(num_child_objects)d child pages", "num_child_objects"
    ),
    # Reordering an inline panel's rows or a snippet listing.
    ngettext_lazy("Moved up 1 place.", "Moved up %(counter)s places.", "counter"),
    ngettext_lazy("Moved down 1 place.", "Moved down %(counter)s places.", "counter"),
    # Where a page, snippet, image or document is used.
    ngettext_lazy("Used %(usage_count)s time", "Used %(usage_count)s times", "usage_count"),
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
        "usage_count",
    ),
    ngettext_lazy("+%(counter)s more", "+%(counter)s more", "counter"),
    # The editor's «also being edited by» notice.
    ngettext_lazy(
        "One other user is currently viewing",
        "%(num_user)s other users are currently viewing",
        "num_user",
    ),
)
