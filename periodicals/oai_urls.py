"""The OAI-PMH endpoint of the periodicals' titles (``periodicals.oai``), for a site to include
at ``oai/periodicals/``, before the heroes archive's ``oai/``:
``path("oai/periodicals/", include("periodicals.oai_urls"))``."""

from django.urls import path

from .views import oai as oai_views

app_name = "periodicals_oai"

urlpatterns = [
    # OAI-PMH 2.0 for aggregators: every verb at one base URL.
    path("", oai_views.endpoint, name="endpoint"),
]
