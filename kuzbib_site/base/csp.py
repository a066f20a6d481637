"""The Content-Security-Policy per part of the site: the public pages get the strict
``CONTENT_SECURITY_POLICY`` (scripts from the site only), Wagtail's admin (and its preview, which
renders public page templates under ``/admin/``) gets it with the directives of
``ADMIN_CONTENT_SECURITY_POLICY["REPLACE"]`` swapped in. What the site-wide policy adds in
production (``upgrade-insecure-requests``) applies to both."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def admin_policy():
    return getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None) or {}


def is_admin_request(request):
    prefixes = tuple(admin_policy().get("PATH_PREFIXES", ()))
    return bool(prefixes) and request.path_info.startswith(prefixes)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy by path. A view's own
    ``csp_replace``/``csp_update`` decorators still win over the admin's directives."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or not is_admin_request(request):
            return parts
        parts.replace = {**admin_policy().get("REPLACE", {}), **(parts.replace or {})}
        # A nonce in script-src makes browsers ignore 'unsafe-inline', which the admin needs.
        parts.nonce = None
        return parts
