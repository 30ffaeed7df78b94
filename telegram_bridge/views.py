"""The webhook Telegram posts updates to (check, store, enqueue, answer 200: nothing slow here) and the connect page."""

from __future__ import annotations

import hmac
import json
import logging
import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.decorators import portal_access_required
from accounts.models import User
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import link_token_create, telegram_account_unlink, update_receive

logger = logging.getLogger(__name__)

SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _storable(value: object) -> bool:
    """Whether PostgreSQL's JSON column can hold it: lone UTF-16 surrogates ("\\ud800") parse in
    Python but are not Unicode text, and jsonb refuses NUL characters (either would be a 500)."""
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


def _numbers_fit(value: object) -> bool:
    """Whether every number fits the database: Telegram's integers are 64-bit signed (an id over that would
    fail in a BIGINT column), and a float such as 1e999 parses as infinity, which no JSON column stores."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_numbers_fit(item) for item in value.values())
    if isinstance(value, list):
        return all(_numbers_fit(item) for item in value)
    return True


def _refuse_constant(name: str) -> None:
    # NaN / Infinity are not JSON, and the database's JSON column would refuse them later (a 500).
    raise ValueError(f"{name} is not JSON")


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.META.get(SECRET_HEADER, "")
    # Constant time, on bytes (compare_digest refuses non-ASCII str); an empty setting refuses everyone.
    if not expected or not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        return _error(403, "forbidden")
    if request.content_type != "application/json":
        return _error(415, "JSON only")
    limit = settings.TELEGRAM_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error(400, "bad Content-Length")
    if declared > limit:
        return _error(413, "too large")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(413, "too large")
    try:
        payload = json.loads(body, parse_constant=_refuse_constant)
        if not _storable(payload):
            raise ValueError("not storable as JSON text")
        numbers_fit = _numbers_fit(payload)
    except (ValueError, RecursionError):
        return _error(400, "malformed JSON")
    if not numbers_fit:
        return _error(400, "a number is out of range: Telegram's integers are 64-bit signed, and floats finite")
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not (0 <= update_id < 2**63):
        return _error(400, "not a Telegram update")
    if not update_receive(payload=payload):
        logger.info("Telegram update %s replayed: ignored", update_id)
    return JsonResponse({"ok": True})


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def connect(request: HttpRequest) -> HttpResponse:
    """ "Connect Telegram": POST makes a one-time deep link (and its QR code); GET shows the state.

    A psychologist's linked chat can receive burnout alerts that name patients, so linking one asks for
    what the portal asks for (a verified licence, two-factor sign-in): a stolen password alone must not
    be enough to redirect the alerts to another chat.
    """
    if request.user.is_psychologist:
        return _connect_for_psychologist(request)
    return _connect(request)


def _connect(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "account": TelegramAccount.objects.filter(user=request.user).first(),
        "bot_configured": bool(settings.TELEGRAM_BOT_USERNAME),
    }
    if request.method == "POST" and context["bot_configured"]:
        if request.POST.get("action") == "unlink":
            telegram_account_unlink(user=request.user)
            return redirect("telegram_bridge:connect")
        _token, link = link_token_create(user=request.user)
        context.update(link=link, qr_svg=mark_safe(_qr_svg(link)), minutes=15)
    return render(request, "telegram_bridge/connect.html", context)


_connect_for_psychologist = portal_access_required(_connect)


def connect_help(*, user: User) -> str:
    """What connecting Telegram brings this person, for the profile page (accounts lists the channels)."""
    if user.is_psychologist:
        return _(
            "Receive burnout alerts about your patients in Telegram: connect it to this account with a one-time link."
        )
    return _("Send your selfies to our Telegram bot: connect it to this account with a one-time link.")
