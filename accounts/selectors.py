"""Read-only queries about accounts."""

from __future__ import annotations

from .models import User


def user_username_taken(*, username: str, exclude_user_id: int | None = None) -> bool:
    """Whether another account already uses this username, ignoring letter case.

    Case is ignored because "Anna" and "anna" look like the same person to a psychologist
    choosing whom to accept, even though Django's login itself is case-sensitive.
    """
    qs = User.objects.filter(username__iexact=username)
    if exclude_user_id is not None:
        qs = qs.exclude(pk=exclude_user_id)
    return qs.exists()


def user_email_taken(*, email: str, exclude_user_id: int | None = None) -> bool:
    """Whether another account already uses this e-mail address, ignoring letter case."""
    if not email:
        return False
    qs = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        qs = qs.exclude(pk=exclude_user_id)
    return qs.exists()
