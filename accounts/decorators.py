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

from .selectors import otp_step_missing, psychologist_patient_data_access

# The two-factor page for each step `otp_step_missing` names.
_TWO_FACTOR_PAGES = {"otp_setup_required": "accounts:otp_setup", "otp_required": "accounts:otp_verify"}


def _two_factor_page(step: str, next_url: str) -> HttpResponse:
    return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")


def two_factor_step(user: Any, next_url: str) -> HttpResponse:
    """The page of the two-factor step `user`, not verified in this session, misses: set-up without a confirmed
    device, else the code."""
    refusal = otp_step_missing(user=user, otp_verified=False)
    # Not verified means at least the code is missing, so `refusal` is never None here.
    step = _TWO_FACTOR_PAGES[refusal.code] if refusal else "accounts:otp_verify"
    return _two_factor_page(step, next_url)


def portal_access_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A verified psychologist who has passed two-factor authentication in this session.

    The rule is `psychologist_patient_data_access`; this only turns its refusal into a page. Anyone who is
    not a psychologist gets a 404 (the portal does not exist for them); a psychologist is sent to the step
    they miss: licence details, the pending page, 2FA set-up or the code for this session. Patient data is
    then filtered by active care links in the view.
    """

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        access = psychologist_patient_data_access(user=user, otp_verified=user.is_verified())
        refusal = access.refusal
        if refusal is None:
            request.psychologist_profile = access.profile
            return view(request, *args, **kwargs)
        if refusal.code == "psychologists_only":
            raise Http404
        if refusal.code == "psychologist_not_verified":
            # Nothing entered yet is completed on the licence form; entered but unverified, on the pending page.
            page = "accounts:psychologist_profile" if access.profile is None else "accounts:psychologist_pending"
            return redirect(page)
        return _two_factor_page(_TWO_FACTOR_PAGES[refusal.code], request.get_full_path())

    return wrapped
