from .conf import setting


def low_vision(request):
    """Whether the visitor chose the low-vision version; a cookie, so it works without
    JavaScript and survives across pages."""
    cookie = setting("LOW_VISION_COOKIE")
    return {"low_vision": request.COOKIES.get(cookie) == "1"}
