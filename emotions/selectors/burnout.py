"""Reads of burnout flags: what is open now. The rules that raise them live in emotions.burnout."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, Min, OuterRef, QuerySet

from emotions.models import BurnoutFlag, FlagAcknowledgement, FlagThreshold

if TYPE_CHECKING:
    from accounts.models import CareLink, User
    from emotions.burnout import RuleState


def burnout_flag_open_exists(*, user_ref: str) -> Exists:
    """SQL: the person in the outer query's `user_ref` column has an open flag (what "needs attention" means)."""
    return Exists(BurnoutFlag.objects.filter(user=OuterRef(user_ref), cleared_at__isnull=True))


def burnout_flag_open_of(*, user: User) -> QuerySet[BurnoutFlag]:
    """The person's own open flags: the API lists them through this queryset, so no one else's ever shows."""
    return BurnoutFlag.objects.filter(user=user, cleared_at__isnull=True).order_by("raised_at", "id")


def burnout_flag_list_open(*, user: User) -> list[BurnoutFlag]:
    return list(burnout_flag_open_of(user=user))


def flag_acknowledgement_map(*, psychologist: User, flags: Iterable[BurnoutFlag]) -> dict[int, FlagAcknowledgement]:
    """This psychologist's own acknowledgements (with their notes) of these flags, by flag id."""
    rows = FlagAcknowledgement.objects.filter(psychologist=psychologist, flag__in=[flag.pk for flag in flags])
    return {row.flag_id: row for row in rows}


def burnout_flag_seen_list(*, user: User) -> list[tuple[BurnoutFlag, datetime]]:
    """The person's open flags a psychologist has acknowledged, with when it was first seen: never the notes."""
    seen = (
        FlagAcknowledgement.objects.filter(flag__user=user, flag__cleared_at__isnull=True)
        .values("flag_id")
        .annotate(first=Min("at"))
    )
    firsts = {row["flag_id"]: row["first"] for row in seen}
    flags = BurnoutFlag.objects.filter(pk__in=firsts).order_by("raised_at", "id")
    return [(flag, firsts[flag.pk]) for flag in flags]


def own_rule_states(*, link: CareLink) -> tuple[FlagThreshold | None, list[RuleState]]:
    """The rules for the link's patient by the psychologist's own thresholds (their view only), and those."""
    from emotions.burnout import Thresholds, burnout_rule_states

    own = FlagThreshold.objects.filter(link=link).first()
    defaults = Thresholds.defaults()

    def value(name: str) -> float:
        chosen = getattr(own, name) if own is not None else None
        return getattr(defaults, name) if chosen is None else chosen

    thresholds = Thresholds(
        negative_percent=value("negative_percent"), rise_percent=value("rise_percent"), cbi_score=value("cbi_score")
    )
    return own, burnout_rule_states(user=link.patient, thresholds=thresholds)
