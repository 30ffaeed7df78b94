"""Two-factor pages (psychologists and staff): setting up an authenticator, the code for a session, and the
recovery codes that stand in for the authenticator (shown once, when made)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from burnout_site.errors import Refusal

from ..forms import OTPOrRecoveryCodeForm, OTPTokenForm
from ..selectors import otp_device_confirmed, otp_recovery_codes_left
from ..services import OTP_WRONG_CODE_MESSAGE, otp_device_confirm, otp_device_for_setup
from ..services.otp import otp_recovery_codes_create, otp_recovery_codes_regenerate, otp_token_match
from .common import add_refusal, posted, safe_next

# New recovery codes wait here between the POST that made them and the one page that shows them.
_CODES_TO_SHOW = "otp_recovery_codes_to_show"


def _two_factor_home(request: HttpRequest) -> str:
    """Where the two-factor pages lead by default; they exist only for the roles that need them:
    psychologists (the portal) and staff (the admin)."""
    if request.user.is_psychologist:
        return "portal:patients"
    if request.user.is_staff:
        return "admin:index"
    raise Http404


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    from base64 import b32encode

    from django_otp import login as otp_login

    next_url = safe_next(request, _two_factor_home(request))
    if otp_device_confirmed(user=request.user):
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
    device = otp_device_for_setup(user=request.user)
    form = OTPTokenForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                otp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                otp_login(request, device)
                messages.success(request, _("Two-factor authentication is on."))
                return _show_new_codes(request, otp_recovery_codes_create(user=request.user), next_url)
        status = 400
    context = {
        "form": form,
        "next": next_url,
        "secret": b32encode(device.bin_key).decode(),
        "otpauth_uri": device.config_url,
        # Safe: an SVG that qrcode draws from our own otpauth URI, no user-controlled markup.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),
    }
    return render(request, "accounts/otp_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login

    next_url = safe_next(request, _two_factor_home(request))
    if not otp_device_confirmed(user=request.user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': next_url})}")
    form = OTPOrRecoveryCodeForm(posted(request))
    if request.method == "POST":
        if form.is_valid():
            device = otp_token_match(user=request.user, token=form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            form.add_error("token", OTP_WRONG_CODE_MESSAGE)
        return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=400)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _show_new_codes(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    request.session[_CODES_TO_SHOW] = codes
    return redirect(f"{reverse('accounts:otp_recovery_codes')}?{urlencode({'next': next_url})}")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New codes once, right after they are made; otherwise how many are left, and new ones for a fresh code of
    the authenticator app (the old ones stop working)."""
    next_url = safe_next(request, _two_factor_home(request))
    if not otp_device_confirmed(user=request.user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': next_url})}")
    form = OTPTokenForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = otp_recovery_codes_regenerate(user=request.user, token=form.cleaned_data["token"])
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return _show_new_codes(request, codes, next_url)
        status = 400
    context = {
        "form": form,
        "next": next_url,
        # Popped: a reload, the back button or a later visit shows no code again.
        "codes": [f"{code[:4]} {code[4:]}" for code in request.session.pop(_CODES_TO_SHOW, [])],
        "codes_left": otp_recovery_codes_left(user=request.user),
    }
    return render(request, "accounts/otp_recovery_codes.html", context, status=status)
