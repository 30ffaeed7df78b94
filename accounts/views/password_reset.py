"""Password reset by e-mail link: Django's four auth views on our services, templates and throttles.

The request page answers the same whether or not the address has an account; the link page sets the new
password through `user_password_reset`, which also signs the account out everywhere and lifts a log-in pause.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import translation

from burnout_site.rate_limits import RateLimited

from ..services.password_reset import RESET_LINK_INVALID_MESSAGE, password_reset_request, user_password_reset
from .common import add_service_errors
from .login_throttling import client_ip_address


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            password_reset_request(
                email=form.cleaned_data["email"],
                client_ip=client_ip_address(self.request),
                language=translation.get_language() or "",
            )
        except RateLimited as refusal:
            form.add_error(None, refusal.message)
            response = self.render_to_response(self.get_context_data(form=form), status=refusal.status)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        # Not Django's form.save(): the service throttles, and sends from a task in the person's language.
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    form_class = SetPasswordForm

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "invalid_link_message": RESET_LINK_INVALID_MESSAGE}

    def render_to_response(self, context: dict[str, object], **kwargs: object) -> HttpResponse:
        # A used, expired or mangled link, and a refused new password, are the visitor's input: 400, not 200.
        if not self.validlink or (self.request.method == "POST" and context["form"].errors):
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        try:
            user_password_reset(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if self.request.user.is_authenticated:
            # The service ended every session of the account, this one's row too: start a fresh one.
            logout(self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
