"""Writes on people's accounts: sign-up, profile changes, and signing them out after a password change."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from burnout_site.errors import Refusal

from ..models import User
from ..selectors import user_email_taken, user_username_taken
from ..validators import validate_language, validate_timezone

# Same wording as Django's own message for the username field, so its translations apply.
USERNAME_TAKEN_MESSAGE = _("A user with that username already exists.")
EMAIL_TAKEN_MESSAGE = _("A user with that email address already exists.")
ACCOUNT_TAKEN_MESSAGE = _("A user with that username or email address already exists.")
# Django's own PasswordChangeForm message: its translations apply.
OLD_PASSWORD_WRONG_MESSAGE = _("Your old password was entered incorrectly. Please enter it again.")

_PROFILE_FIELDS = ("first_name", "email", "timezone", "language")


def _normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip())


@transaction.atomic
def user_create(*, username: str, email: str, password: str, role: str) -> User:
    """Create an active account with a usable password.

    The checks the web form makes are repeated here because other entry points (API,
    bot, management commands) call this directly. `email` may be empty for accounts
    created outside the web sign-up; a non-empty one must be unique ignoring case.
    Raises ValidationError keyed by field name.
    """
    user = User(username=username, email=_normalize_email(email), role=role)

    errors: dict[str, list[ValidationError]] = {}
    if user_username_taken(username=username):
        errors.setdefault("username", []).append(ValidationError(USERNAME_TAKEN_MESSAGE, code="unique"))
    if user_email_taken(email=user.email):
        errors.setdefault("email", []).append(ValidationError(EMAIL_TAKEN_MESSAGE, code="unique"))
    try:
        # Validated against the unsaved user so the similarity check sees the username and e-mail.
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    user.full_clean()
    try:
        # A savepoint, so a lost race (double-clicked submit, two sign-ups with one address)
        # becomes a form error rather than a broken transaction and a 500.
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError(ACCOUNT_TAKEN_MESSAGE, code="unique") from exc
    return user


@transaction.atomic
def user_profile_update(*, user: User, first_name: str, email: str, timezone: str, language: str) -> User:
    """Change the fields a person may edit about themselves; role and username are not among them."""
    email = _normalize_email(email)

    errors: dict[str, list[ValidationError]] = {}
    if user_email_taken(email=email, exclude_user_id=user.pk):
        errors.setdefault("email", []).append(ValidationError(EMAIL_TAKEN_MESSAGE, code="unique"))
    for field, validator, value in (
        ("timezone", validate_timezone, timezone),
        ("language", validate_language, language),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)

    user.first_name = first_name.strip()
    user.email = email
    user.timezone = timezone
    user.language = language
    try:
        user.full_clean()
    except ValidationError:
        # The caller usually passes request.user: do not leave rejected values on it
        # for the rest of the request (templates, middleware, audit logging).
        user.refresh_from_db(fields=_PROFILE_FIELDS)
        raise
    user.save(update_fields=_PROFILE_FIELDS)
    return user


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str, keep_session: str | None) -> User:
    """Change the password of someone who knows the current one (the API; the web page uses Django's form),
    then sign out everything but `keep_session`: see `user_password_changed`.

    Refusal `wrong_password` (under `old_password`) for a wrong current password; ValidationError under
    `new_password` for one the validators refuse. Nothing changes in either case.
    """
    if not user.check_password(old_password):
        raise Refusal("wrong_password", str(OLD_PASSWORD_WRONG_MESSAGE), field="old_password")
    user_password_set(user=user, new_password=new_password, keep_session=keep_session)
    return user


@transaction.atomic
def user_password_set(*, user: User, new_password: str, keep_session: str | None = None) -> None:
    """Set a new password the validators accept (ValidationError under `new_password` otherwise, nothing
    changed), then sign out everything but `keep_session`: the one path of a change and of a reset."""
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_password_changed(user=user, keep_session=keep_session)


@transaction.atomic
def user_password_changed(*, user: User, keep_session: str | None = None) -> None:
    """After a password change or reset: whoever knew the old password is out everywhere.

    Every API device token is revoked (knox tokens do not depend on the password, so they would answer
    on), and every browser session is ended except `keep_session`, the one that made the change, if
    any (a reset from an e-mail link keeps none). Django alone would only refuse those sessions at
    their next request, leaving their rows behind.
    """
    AuthToken.objects.filter(user=user).delete()
    user_sessions_forget(user_id=user.pk, keep=keep_session)


def user_sessions_forget(*, user_id: int, keep: str | None = None) -> None:
    """Log the person out everywhere (but in session `keep`): their session rows hold their id (encoded,
    so it is decoded to find them)."""
    stale = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator():
        try:
            data = session.get_decoded()
        except Exception:
            continue
        if str(data.get("_auth_user_id")) == str(user_id):
            stale.append(session.session_key)
    Session.objects.filter(session_key__in=stale).delete()
