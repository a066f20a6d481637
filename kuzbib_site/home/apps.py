from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Our Celery app becomes the current one in every process of our site (web, tests, manage.py),
# so that the apps' shared tasks run on it; a host site without this app uses its own.
from kuzbib_site.celery import app as celery_app  # noqa: F401


class HomeConfig(AppConfig):
    """Our own site's pages (the home page, plain pages, the library directory), kept out of the
    shared core ``kuzbib_site.base`` so that another site can install the domain apps without
    them."""

    name = "kuzbib_site.home"
    label = "home"
    verbose_name = _("Kuzbass Libraries: site")
