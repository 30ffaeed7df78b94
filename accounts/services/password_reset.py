"""Password reset by e-mail link, and what a reset undoes: the log-in pause, every token and session.

The web pages (Django's auth views) and the API share these services, so both throttle alike, send the same
e-mail and finish a reset the same way. Nothing here tells whether an address belongs to an account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal
from burnout_site.queue import task_enqueue
from burnout_site.rate_limits import password_reset_take

from ..models import AuditEvent, User
from .audit import audit_record
from .mail import user_mail_send
from .users import user_password_set

RESET_LINK_INVALID_MESSAGE = _(
    "This password reset link does not work: it was already used, it has expired, or it was copied only in "
    "part. Please ask for a new one."
)
RESET_EMAIL_TASK = "accounts.tasks.send_password_reset_email"


def password_reset_users(*, email: str) -> list[User]:
    """The accounts a reset link for `email` goes to: active, with a password (Django's PasswordResetForm rule)."""
    candidates = User.objects.filter(email__iexact=email.strip(), is_active=True)
    return [user for user in candidates if user.has_usable_password()]


def password_reset_request(*, email: str, client_ip: str, language: str = "") -> None:
    """Ask for reset links for `email`; the same outcome for an address nobody has (no account enumeration).

    RateLimited beyond PASSWORD_RESET_RATE_IP / _EMAIL, counted whether or not the address exists. The
    e-mail is sent by a task, so the answer takes as long either way (an SMTP round trip would tell).
    """
    password_reset_take(client_ip=client_ip, email=email)
    for user in password_reset_users(email=email):
        # After commit: the task reads the account, and a rolled-back request sends nothing.
        transaction.on_commit(
            lambda user_id=user.pk: task_enqueue(
                RESET_EMAIL_TASK, user_id, language, what="password reset e-mail", group="accounts"
            )
        )


def password_reset_email_send(*, user: User, language: str = "") -> bool:
    """The e-mail with the link: `/accounts/reset/<uid>/<token>/` on SITE_URL, valid PASSWORD_RESET_HOURS, once."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "reset_url": f"{settings.SITE_URL}{path}",
        "site_url": settings.SITE_URL,
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    return user_mail_send(user=user, template="password_reset", context=context, language=language)


def password_reset_link_user(*, uidb64: str, token: str) -> User:
    """The account a reset link is for; Refusal `reset_link_invalid` when the link is unknown, used or expired."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise Refusal("reset_link_invalid", str(RESET_LINK_INVALID_MESSAGE), field="token")
    return user


@transaction.atomic
def user_password_reset(*, user: User, new_password: str) -> User:
    """Set the password chosen through a reset link, then: every token and session revoked (nobody stays signed
    in on the strength of the old password), the log-in pause lifted, an audit line.

    ValidationError under `new_password` for a password the validators refuse (nothing is changed then).
    Setting the password also spends the link: its token is derived from the password hash.
    """
    user_password_set(user=user, new_password=new_password)
    user_lockout_clear(user=user, actor=user, reason="password_reset")
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.PASSWORD_RESET)
    return user


def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> User:
    """The API's confirm step: check the link, then `user_password_reset`."""
    user = password_reset_link_user(uidb64=uidb64, token=token)
    return user_password_reset(user=user, new_password=new_password)


def user_lockout_clear(*, user: User, actor: User | None, reason: str) -> int:
    """Lift django-axes' log-in pause for this username on every address; the number of failures forgotten.

    `reason` ("password_reset" or "staff") goes into the audit line a staff unlock writes; a reset's own audit
    line already says it.
    """
    from axes.utils import reset  # axes' utilities need the app registry: imported when first used

    cleared = reset(username=user.get_username())
    if reason != "password_reset":
        audit_record(
            actor=actor, subject_user=user, action=AuditEvent.Action.LOCKOUT_CLEARED, detail={"reason": reason}
        )
    return cleared
