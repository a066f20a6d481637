from django.conf import settings


def low_vision(request):
    """Whether the visitor chose the low-vision version; a cookie, so it works without
    JavaScript and survives across pages."""
    cookie = settings.KUZBIB_BASE["LOW_VISION_COOKIE"]
    return {"low_vision": request.COOKIES.get(cookie) == "1"}
