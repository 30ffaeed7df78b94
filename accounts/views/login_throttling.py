"""Log-in throttling (django-axes): the address it counts and what it answers once it locks out."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from burnout_site.api.exceptions import error_body
from burnout_site.errors import Refusal

from .common import refusal_page


def client_ip_address(request: HttpRequest) -> str:
    """The address django-axes counts failures against.

    Behind our reverse proxy (BEHIND_PROXY) REMOTE_ADDR is the proxy itself; the last X-Forwarded-For entry is
    the address the proxy saw (earlier entries are whatever the client claimed).
    """
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_message() -> str:
    hours = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 3600))
    return ngettext(
        "Too many failed log-in attempts. For your safety, logging in to this account from here is paused for "
        "%(hours)d hour. Please try again later.",
        "Too many failed log-in attempts. For your safety, logging in to this account from here is paused for "
        "%(hours)d hours. Please try again later.",
        hours,
    ) % {"hours": hours}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What django-axes answers once a username and address are locked out: the API's error shape or a page, with
    the status `locked_out` declares (429). Both show the way out: a password reset lifts the pause."""
    way_out = _("Forgot your password? Resetting it lifts the pause at once.")
    refusal = Refusal("locked_out", f"{lockout_message()} {way_out}")
    if request.path.startswith("/api/"):
        # Outside DRF (axes answers before the view runs), so the handler's shape is built here.
        body = error_body(refusal.api_code, refusal.message, password_reset=reverse("api:password_reset"))
        return JsonResponse(body, status=refusal.status)
    context = {
        "title": _("Log-in paused"),
        "link_url": reverse("accounts:password_reset"),
        "link_text": _("Reset your password"),
    }
    return refusal_page(request, refusal, template="accounts/message.html", context=context)
