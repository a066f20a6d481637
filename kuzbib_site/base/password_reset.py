"""The admin's password reset, throttled: each reset sends an e-mail to an address the visitor
types, so it takes at most so many requests per client address and per e-mail address in a
window (``KUZBIB_BASE["THROTTLE"]["LIMITS"]["password_reset"]``), like the public forms. Logins
are throttled by django-axes (see settings)."""

from wagtail.admin.views.account import PasswordResetView

from . import throttle


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's password-reset view with the throttle in front of its form: over a limit, the
    form again with the message, a 429 and ``Retry-After``; no e-mail is sent."""

    def post(self, request, *args, **kwargs):
        refusal = throttle.hit_ip(request, "password_reset")
        if refusal is not None:
            return self._refused(self.get_form(), refusal)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        refusal = throttle.hit_email("password_reset", form.cleaned_data.get("email"))
        if refusal is not None:
            return self._refused(form, refusal)
        return super().form_valid(form)

    def _refused(self, form, refusal):
        throttle.refuse_form(form, refusal)
        return throttle.throttled(
            self.render_to_response(self.get_context_data(form=form)), refusal
        )
