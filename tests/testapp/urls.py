from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("jury/", include("contests.jury.urls")),
    path("oai/periodicals/", include("periodicals.oai_urls")),
    path("oai/", include("heroes_archive.urls")),
    path("iiif/periodicals/", include("periodicals.urls")),
    path("", include("kuzbib_site.base.urls")),
    path("", include(wagtail_urls)),
]
