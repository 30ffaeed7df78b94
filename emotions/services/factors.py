"""Factors beside a mood rating: sleep (hours), workload (1-5) and the person's own tags (at most 20 names).

Every channel sets them here: the web's mood form and factors page, the API's self-reports, the bot's buttons
after /mood. Only the person's own ratings and tags are touched; anyone else's id is `not_found`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal
from emotions.factor_models import MAX_TAGS_PER_PERSON, TAG_NAME_MAX_LENGTH, FactorTag
from emotions.models import SelfReport

if TYPE_CHECKING:
    from accounts.models import User

UNCHANGED = object()


def factor_sleep_clean(value: object) -> Decimal | None:
    """Hours of sleep as given (a number from 0 to 24, halves allowed), or a refusal naming `sleep_hours`."""
    if value is None or value == "":
        return None
    try:
        hours = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = Decimal(-1)
    if not Decimal(0) <= hours <= Decimal(24):
        raise Refusal("invalid", _("Give your sleep in hours, from 0 to 24."), field="sleep_hours")
    return hours


def factor_workload_clean(value: object) -> int | None:
    if value is None or value == "":
        return None
    if str(value) not in {"1", "2", "3", "4", "5"}:
        raise Refusal("invalid", _("Rate your workload from 1 (light) to 5 (overwhelming)."), field="workload")
    return int(str(value))


def _tag_name_clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Refusal("invalid", _("Give the tag a name."), field="tags")
    if len(cleaned) > TAG_NAME_MAX_LENGTH:
        raise Refusal(
            "invalid",
            _("A tag name may be at most %(max)s characters long.") % {"max": TAG_NAME_MAX_LENGTH},
            field="tags",
        )
    return cleaned


@transaction.atomic
def factor_tags_get_or_create(*, user: User, names: Iterable[str]) -> list[FactorTag]:
    """The person's tags of these names (matched ignoring case), new ones created while under the limit of 20."""
    wanted = list(dict.fromkeys(_tag_name_clean(name) for name in names))
    existing = {tag.name.lower(): tag for tag in FactorTag.objects.select_for_update().filter(user=user)}
    new = [name for name in wanted if name.lower() not in existing]
    if len(existing) + len(new) > MAX_TAGS_PER_PERSON:
        raise Refusal(
            "invalid",
            _("You can have at most %(max)s tags. Delete one on the factors page first.")
            % {"max": MAX_TAGS_PER_PERSON},
            field="tags",
        )
    for name in new:
        tag = FactorTag(user=user, name=name)
        tag.full_clean(validate_constraints=False)
        tag.save()
        existing[name.lower()] = tag
    return [existing[name.lower()] for name in wanted]


def factor_tag_create(*, user: User, name: str) -> FactorTag:
    [tag] = factor_tags_get_or_create(user=user, names=[name])
    return tag


def factor_tag_delete(*, user: User, tag_id: int) -> None:
    """Delete one of the person's tags; the ratings keep their other factors."""
    deleted, _rows = FactorTag.objects.filter(user=user, pk=tag_id).delete()
    if not deleted:
        raise Refusal("not_found", _("No such tag."))


@transaction.atomic
def self_report_factors_set(
    *,
    user: User,
    self_report_id: int,
    sleep_hours: object = UNCHANGED,
    workload: object = UNCHANGED,
    tags: Iterable[FactorTag] | None = None,
    add_tag: FactorTag | None = None,
) -> SelfReport:
    """Set factors of one of the person's ratings; what is not passed stays as it was."""
    report = SelfReport.objects.select_for_update().filter(user=user, pk=self_report_id).first()
    if report is None:
        raise Refusal("not_found", _("No such mood rating."))
    if sleep_hours is not UNCHANGED:
        report.sleep_hours = factor_sleep_clean(sleep_hours)
    if workload is not UNCHANGED:
        report.workload = factor_workload_clean(workload)
    report.full_clean()
    report.save(update_fields=["sleep_hours", "workload"])
    if tags is not None:
        report.tags.set([tag for tag in tags if tag.user_id == user.pk])
    if add_tag is not None and add_tag.user_id == user.pk:
        report.tags.add(add_tag)
    return report


def factor_tag_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {"id": tag.pk, "name": tag.name, "created_at": tag.created_at} for tag in FactorTag.objects.filter(user=user)
    ]


def factor_tag_erase_for_user(*, user: User) -> None:
    FactorTag.objects.filter(user=user).delete()
