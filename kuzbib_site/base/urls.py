"""The core's public URLs, for a site to include before Wagtail's own:
``path("", include("kuzbib_site.base.urls"))``."""

from django.urls import path

from . import views

urlpatterns = [
    path("low-vision/", views.low_vision, name="low_vision"),
    path("language/", views.language, name="language"),
]
