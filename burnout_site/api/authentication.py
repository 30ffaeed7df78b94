"""Device tokens (django-rest-knox): one random token per device, stored as a SHA-512 digest, revocable."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

# Tokens issued after a correct two-factor code start with this (knox hashes the whole string, so a
# client cannot add it to a token issued without one): psychologists need such a token for patient data.
OTP_TOKEN_PREFIX = "2fa_"


class DeviceTokenAuthentication(TokenAuthentication):
    """knox's `Authorization: Token <token>`, with malformed headers answered as 401 instead of a crash."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            # knox decodes the header as UTF-8 without a guard: arbitrary header bytes would be a 500.
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def renew_token(self, auth_token: Any) -> None:
        """knox pushes the expiry back on each use but writes it at most once a minute: the device's last-used
        time is written with it, so keeping it costs nothing on the other requests."""
        # Here, not at the top: the accounts app's services import this module (OTP_TOKEN_PREFIX).
        from accounts.services.devices import token_device_touch

        previous = auth_token.expiry
        super().renew_token(auth_token)
        if (auth_token.expiry - previous).total_seconds() > knox_settings.MIN_REFRESH_INTERVAL:
            token_device_touch(token=auth_token)


def token_is_otp_verified(auth: Any) -> bool:
    """Whether the request's knox token was issued after a two-factor code."""
    return str(getattr(auth, "token_key", "")).startswith(OTP_TOKEN_PREFIX)


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "burnout_site.api.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A device token from POST /api/v1/auth/token/, sent as "Token <token>".',
        }
