"""Psychologists' and staff's second factor: the authenticator app (TOTP) and the recovery codes (django-otp's
static device) that stand in for it when the phone is lost.

Recovery codes are secrets: they go to the page that shows them once and nowhere else (no log, no audit
detail, no e-mail).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal
from burnout_site.queue import task_enqueue

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


RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_USED_TASK = "accounts.tasks.send_recovery_code_used_email"


def otp_recovery_codes_create(*, user: User) -> list[str]:
    """RECOVERY_CODE_COUNT new single-use codes, replacing every earlier one; returned to be shown once."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("id").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit_record(
            actor=user,
            subject_user=user,
            action=AuditEvent.Action.OTP_RECOVERY_CODES_CREATED,
            detail={"count": RECOVERY_CODE_COUNT},
        )
    return codes


def otp_recovery_codes_regenerate(*, user: User, token: str) -> list[str]:
    """New recovery codes once a current code of the authenticator app proves the phone is at hand (a recovery
    code does not do: whoever holds one old code must not get ten new ones). Refusal `wrong_code` otherwise."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if authenticator is None or not authenticator.verify_token(token.strip()):
        raise Refusal("wrong_code", str(OTP_WRONG_CODE_MESSAGE), field="token")
    return otp_recovery_codes_create(user=user)


def _normalized(token: str) -> str:
    # Recovery codes are shown as "abcd efgh"; people type them with or without the space, a dash, capitals.
    return "".join(token.split()).replace("-", "").lower()


def otp_token_match(*, user: User, token: str) -> Any | None:
    """The device that accepts `token`: a code of the authenticator app or a recovery code, wherever either is
    asked for (the web step, hence the admin; the API's token endpoint). None when nothing accepts it.

    A recovery code is spent by the check; its use is audited and the person is told by e-mail (someone else
    may have it).
    """
    from django_otp import match_token
    from django_otp.plugins.otp_static.models import StaticDevice

    candidate = _normalized(token)
    if not candidate:
        return None
    device = match_token(user, candidate)
    if isinstance(device, StaticDevice):
        _recovery_code_used(user=user, device=device)
    return device


def _recovery_code_used(*, user: User, device: Any) -> None:
    left = device.token_set.count()
    audit_record(
        actor=user, subject_user=user, action=AuditEvent.Action.OTP_RECOVERY_CODE_USED, detail={"codes_left": left}
    )
    transaction.on_commit(
        lambda: task_enqueue(RECOVERY_CODE_USED_TASK, user.pk, left, what="recovery code used e-mail", group="accounts")
    )
