"""API device tokens as a person sees them: issued with a device name, last used, revoked one by one.

knox keeps the tokens (digests only); each has one TokenDevice row beside it, created with it (the
post_save receiver in apps.py covers tokens made anywhere else) and deleted with it.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from burnout_site.api.authentication import OTP_TOKEN_PREFIX
from burnout_site.errors import Refusal

from ..models import TokenDevice, User

DEVICE_NAME_MAX_LENGTH = TokenDevice._meta.get_field("name").max_length
DEVICE_NOT_FOUND_MESSAGE = _("This device is not signed in to your account (any more).")

# Checked in order: the first match names the system / the app. Edge and Opera say "Chrome" too, so they
# come first; every browser on an iPhone says "Safari".
# Stored names are data, not interface text: product names only, in no language.
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_APPS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)


def device_name_from_user_agent(user_agent: str) -> str:
    """A short name a person recognises: browser and system ("Firefox · Android"), or an app's own first word
    ("BurnoutApp/1.2 · Android", "okhttp/4.12.0"); "" when there is nothing to go on."""
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    app = next((name for marker, name in _APPS if marker in user_agent), "")
    if not app:
        first_word = re.split(r"[\s(;]", user_agent.strip(), maxsplit=1)[0]
        # Every browser starts with "Mozilla/5.0": that names nothing.
        app = "" if first_word.startswith("Mozilla/") else first_word
    return " · ".join(part for part in (app, system) if part)[:DEVICE_NAME_MAX_LENGTH]


def token_device_ensure(*, token: AuthToken) -> TokenDevice:
    """The device row of a token, made if missing (a token issued outside `token_device_create`)."""
    device, _created = TokenDevice.objects.get_or_create(token=token, defaults={"last_used_at": token.created})
    return device


@transaction.atomic
def token_device_create(
    *, user: User, device_name: str = "", user_agent: str = "", otp_verified: bool = False
) -> tuple[AuthToken, str]:
    """A new API token for one device: (the row, the token to hand out once).

    The name is the one the app sent, else one read from its User-Agent. `otp_verified` marks a token issued
    after a two-factor code (psychologists need one for patient data).
    """
    # Tokens that expired on their own are of no use to anyone: drop them while we are here.
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user, prefix=OTP_TOKEN_PREFIX if otp_verified else "")
    name = " ".join(device_name.split()) or device_name_from_user_agent(user_agent)
    device = token_device_ensure(token=instance)
    device.name = name[:DEVICE_NAME_MAX_LENGTH]
    device.full_clean()
    device.save(update_fields=["name"])
    return instance, token


@transaction.atomic
def token_device_revoke(*, user: User, device_id: int) -> None:
    """Sign one device out (its token is deleted, its row with it); someone else's or an unknown id is
    Refusal `not_found`: other people's devices do not exist for you."""
    device = TokenDevice.objects.filter(pk=device_id, token__user=user).select_related("token").first()
    if device is None:
        raise Refusal("not_found", str(DEVICE_NOT_FOUND_MESSAGE))
    device.token.delete()


def token_device_touch(*, token: AuthToken) -> None:
    """Record a use of the token. Called only when knox writes the token's new expiry (at most once a minute,
    REST_KNOX's MIN_REFRESH_INTERVAL), so a busy app costs one extra UPDATE a minute, not one per request."""
    TokenDevice.objects.filter(token=token).update(last_used_at=timezone.now())
