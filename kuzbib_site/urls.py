from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from kuzbib_site.base.password_reset import ThrottledPasswordResetView
from kuzbib_site.home import views

urlpatterns = [
    # Wagtail's password reset behind the throttle; its other steps stay Wagtail's own.
    path("admin/password_reset/", ThrottledPasswordResetView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("jury/", include("contests.jury.urls")),
    # OAI-PMH of the periodicals' titles (before the heroes' endpoint at oai/).
    path("oai/periodicals/", include("periodicals.oai_urls")),
    path("oai/", include("heroes_archive.urls")),
    # The periodicals archive's IIIF image service (static tiles behind the access check).
    path("iiif/periodicals/", include("periodicals.urls")),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("kuzbib_site.base.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    if "debug_toolbar" in settings.INSTALLED_APPS:
        urlpatterns.insert(0, path("__debug__/", include("debug_toolbar.urls")))

urlpatterns.append(path("", include(wagtail_urls)))
