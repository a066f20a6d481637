"""The heroes archive's URLs outside the page tree, for a site to include at ``oai/``:
``path("oai/", include("heroes_archive.urls"))``. The archive's own pages are Wagtail pages."""

from django.urls import path

from .views import oai

app_name = "heroes_oai"

urlpatterns = [
    # OAI-PMH 2.0 for aggregators: every verb at one base URL.
    path("", oai.endpoint, name="endpoint"),
]
