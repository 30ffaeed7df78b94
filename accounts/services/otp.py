"""Psychologists' authenticator devices (two-factor sign-in)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal

from ..models import AuditEvent, User
from .audit import audit_record

OTP_WRONG_CODE_MESSAGE = _(
    "This code is not correct. Type the 6-digit code your authenticator app shows now; "
    "after several wrong codes, wait a little before the next try."
)


def otp_device_for_setup(*, user: User) -> Any:
    """The person's unconfirmed authenticator device, created on first use (its secret is shown once set up)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


@transaction.atomic
def otp_device_confirm(*, user: User, device: Any, token: str) -> None:
    """Confirm a new authenticator with a code it generated; raises Refusal `wrong_code` for a wrong code."""
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        raise Refusal("wrong_code", str(OTP_WRONG_CODE_MESSAGE), field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.OTP_DEVICE_CONFIRMED)
