"""The heroes archive in Wagtail's admin: «Импорт героев» (the menu item and its views,
``heroes_archive.admin_views``) and its permission in the groups' settings."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def admin_urls():
    """Wagtail requires admin access for these; each view checks «Can import heroes»."""
    return [
        path("heroes/imports/", admin_views.ImportsView.as_view(), name="heroes_imports"),
        path("heroes/imports/<int:pk>/", admin_views.ImportView.as_view(), name="heroes_import"),
        path(
            "heroes/imports/<int:pk>/start/",
            admin_views.start_import,
            name="heroes_import_start",
        ),
        path(
            "heroes/imports/template.<str:file_format>",
            admin_views.import_template,
            name="heroes_import_template",
        ),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_import(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(
        _("Import heroes"),
        reverse("heroes_imports"),
        name="heroes-import",
        icon_name="upload",
        order=450,
    )


@hooks.register("register_permissions")
def import_permission():
    """«Can import heroes» in the groups' settings (the model has no other permissions)."""
    return Permission.objects.filter(
        content_type__app_label="heroes_archive", codename="import_heroes"
    )
