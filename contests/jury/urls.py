"""The jury room's URLs, for a site to include at ``jury/``:
``path("jury/", include("contests.jury.urls"))``."""

app_name = "contests_jury"

urlpatterns = []
