"""Access checks shared by the pages of several apps (the portal lives in emotions, the rules here)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import psychologist_profile_of


def user_has_confirmed_otp_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_step(user: Any, next_url: str) -> HttpResponse:
    """The page of the two-factor step `user` misses: set-up without a confirmed device, else the code."""
    step = "accounts:otp_verify" if user_has_confirmed_otp_device(user) else "accounts:otp_setup"
    return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")


def portal_access_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A verified psychologist who has passed two-factor authentication in this session.

    Anyone else who is not a psychologist gets a 404 (the portal does not exist for them);
    a psychologist is sent to the step they miss: licence details, the pending page, 2FA set-up
    or the code for this session. Patient data is then filtered by active care links in the view.
    """

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_psychologist:
            raise Http404
        profile = psychologist_profile_of(user=user)
        if profile is None:
            return redirect("accounts:psychologist_profile")
        if not profile.is_verified:
            return redirect("accounts:psychologist_pending")
        if not user.is_verified():
            return two_factor_step(user, request.get_full_path())
        request.psychologist_profile = profile
        return view(request, *args, **kwargs)

    return wrapped
