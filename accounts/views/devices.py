"""The devices page: every app signed in to the account with a token, and signing one out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from burnout_site.errors import Refusal

from ..selectors import token_device_list
from ..services.devices import token_device_revoke
from .common import refusal_page


@login_required
@require_GET
def devices(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/devices.html", {"devices": token_device_list(user=request.user)})


@login_required
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token_device_revoke(user=request.user, device_id=pk)
    except Refusal as refusal:
        return refusal_page(request, refusal)
    messages.success(request, _("The device is signed out."))
    return redirect("accounts:devices")
