"""Signing in to the jury room, signing out, and setting a password from the invitation.

- ``sign_in`` (``contests_jury:login``): e-mail address or user name and password, through
  Django's ``AuthenticationForm`` with the request, so that django-axes counts the failures and
  answers a locked-out name with its lockout page; ``next`` is followed only on this site.
- ``sign_out`` (``contests_jury:logout``): POST only.
- ``welcome`` (``contests_jury:welcome``): the invitation's link (``contests.invitations``) —
  a valid token for an active user shows ``SetPasswordForm`` (Django's password validators);
  the password set, the juror is signed in and goes to the jury room. A forged, expired, used or
  mangled link gets a 404 page saying to ask the organisers, never a hint whose link it was."""

from django import forms
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kuzbib_site.base.privacy import private_response

from ..invitations import find_user

#: A user id in a link is at most this long in base64 (a 64-bit id takes 27 characters), a
#: token at most this long (Django's are about 40): anything longer is not ours.
UIDB64_MAX_LENGTH = 32
TOKEN_MAX_LENGTH = 100
#: Signing in here sets the session's backend to the one that checks passwords.
BACKEND = "django.contrib.auth.backends.ModelBackend"


def jury_home():
    return reverse("contests_jury:dashboard")


def safe_next(request):
    """Where to go after signing in: ``next`` if it stays on this site, else the jury room."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return jury_home()


class SignInForm(AuthenticationForm):
    """Django's sign-in form that also takes the e-mail address of an account (invited jurors
    have it as their user name anyway): the address is turned into that user's name before
    the check, so that django-axes counts failures per account whichever was typed."""

    username = forms.CharField(
        label=_("E-mail or user name"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )

    def clean_username(self):
        typed = self.cleaned_data["username"].strip()
        if "@" in typed:
            user = find_user(typed)
            if user is not None:
                return user.get_username()
        return typed


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.method == "POST":
        form = SignInForm(request, data=request.POST)
        if form.is_valid():
            login(request, form.get_user(), backend=BACKEND)
            return redirect(safe_next(request))
    elif request.user.is_authenticated:
        return redirect(safe_next(request))
    else:
        form = SignInForm(request)
    return TemplateResponse(
        request,
        "contests/jury/account/login.html",
        {"form": form, "next": safe_next(request)},
    )


@require_POST
def sign_out(request):
    logout(request)
    return redirect("contests_jury:login")


def user_of_link(uidb64, token):
    """The active user whose valid link this is, or None. Never raises on what was typed."""
    if len(uidb64) > UIDB64_MAX_LENGTH or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        uid = force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, UnicodeDecodeError):
        return None
    if not uid.isascii() or not uid.isdigit() or int(uid) >= 2**63:
        return None
    user = get_user_model()._default_manager.filter(pk=int(uid), is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def _private(response):
    return private_response(response, has_forms=True)


@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def welcome(request, uidb64, token):
    user = user_of_link(uidb64, token)
    if user is None:
        return _private(
            TemplateResponse(request, "contests/jury/account/link_invalid.html", status=404)
        )
    form = SetPasswordForm(user, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save()
        login(request, user, backend=BACKEND)
        return redirect(jury_home())
    return _private(
        TemplateResponse(
            request, "contests/jury/account/welcome.html", {"form": form, "juror": user}
        )
    )
