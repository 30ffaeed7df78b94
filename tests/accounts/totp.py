"""The code an authenticator app would show: for tests that go through the real two-factor pages."""

from __future__ import annotations

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now, computed from the device's key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are not the current code."""
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
