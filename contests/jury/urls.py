"""The jury room's URLs, for a site to include at ``jury/``:
``path("jury/", include("contests.jury.urls"))``."""

from django.urls import path

from . import account

app_name = "contests_jury"

urlpatterns = []

# Signing in and out, and setting a password from the invitation (account.py).
urlpatterns += [
    path("login/", account.sign_in, name="login"),
    path("logout/", account.sign_out, name="logout"),
    path("welcome/<str:uidb64>/<str:token>/", account.welcome, name="welcome"),
]
