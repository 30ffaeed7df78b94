"""Sign-up, log-in, the profile and the password pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import FormView

from ..forms import ProfileForm, SignUpForm
from ..models import User
from ..services import user_create, user_password_changed, user_profile_update
from .common import add_service_errors


def _apply_language(response: HttpResponse, language: str) -> HttpResponse:
    """Make the account's language the browser's too; an empty choice hands it back to the browser."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm
    success_url = reverse_lazy("emotions:dashboard")

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignUpForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                role=data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        # Named: with django-axes there are two backends, and only ModelBackend logs people in.
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your account is ready."))
        if user.is_psychologist:
            # Nothing in the portal works before the licence is entered and checked.
            return redirect("accounts:psychologist_profile")
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    """Django's LoginView (it refuses off-site `next` URLs) plus the account's saved language."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if self.request.user.is_authenticated and self.request.user.is_psychologist:
            return resolve_url("portal:patients")
        return super().get_default_redirect_url()

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        # Only a saved choice overrides the browser; an empty one leaves the cookie alone.
        return _apply_language(response, language) if language else response


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self) -> dict[str, object]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        user: User = self.request.user
        try:
            user_profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        # The confirmation is the first text shown after the change: say it in the new language.
        with translation.override(user.language or translation.get_language()):
            messages.success(self.request, _("Your profile has been saved."))
        return _apply_language(HttpResponseRedirect(resolve_url(self.get_success_url())), user.language)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)  # saves; this session stays signed in, under a new key
        user_password_changed(user=form.user, keep_session=self.request.session.session_key)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
