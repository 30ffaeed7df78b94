"""Reads of burnout flags: what is open now. The rules that raise them live in emotions.burnout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from emotions.models import BurnoutFlag

if TYPE_CHECKING:
    from accounts.models import User


def burnout_flag_open_exists(*, user_ref: str) -> Exists:
    """SQL: the person in the outer query's `user_ref` column has an open flag (what "needs attention" means)."""
    return Exists(BurnoutFlag.objects.filter(user=OuterRef(user_ref), cleared_at__isnull=True))


def burnout_flag_open_of(*, user: User) -> QuerySet[BurnoutFlag]:
    """The person's own open flags: the API lists them through this queryset, so no one else's ever shows."""
    return BurnoutFlag.objects.filter(user=user, cleared_at__isnull=True).order_by("raised_at", "id")


def burnout_flag_list_open(*, user: User) -> list[BurnoutFlag]:
    return list(burnout_flag_open_of(user=user))
