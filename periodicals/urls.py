"""The periodicals archive's URLs outside the page tree, for a site to include at
``iiif/periodicals/``: ``path("iiif/periodicals/", include("periodicals.urls"))`` — the IIIF
image service of the scanned pages (``views.iiif``). The archive's own pages, manifests and
content search are routes of its Wagtail pages."""

from django.urls import re_path

from .views import iiif as iiif_views

urlpatterns = [
    re_path(r"^(?P<scan_id>[0-9]{1,10})$", iiif_views.base, name="periodicals_iiif_base"),
    re_path(
        r"^(?P<scan_id>[0-9]{1,10})/info\.json$", iiif_views.info, name="periodicals_iiif_info"
    ),
    re_path(
        r"^(?P<scan_id>[0-9]{1,10})/(?P<path>.+)$", iiif_views.image, name="periodicals_iiif_image"
    ),
]
