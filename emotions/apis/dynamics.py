"""Dynamics: how the share of negative emotion moved over days or weeks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from burnout_site.api.schema import responses
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal
from emotions import selectors

from .common import DEFAULT_RANGE_DAYS, DYNAMICS_TAG, MAX_RANGE_DAYS, DateRangeSerializer


class DynamicsBucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included.")
    count = serializers.IntegerField(
        allow_null=True,
        help_text="Counted readings: analysed photos with a face, not unsure; null where readings are not shared "
        "with you.",
    )
    negative = serializers.IntegerField(allow_null=True, help_text="Of them, those whose top emotion is negative.")
    negative_share = serializers.FloatField(
        allow_null=True, help_text="negative / count: the share of readings whose top emotion is negative."
    )
    mean_negativity = serializers.FloatField(
        allow_null=True, help_text="The mean negative tone (summed negative probabilities) of the counted readings."
    )
    class_mix = serializers.DictField(
        child=serializers.IntegerField(), help_text="Top-emotion counts per class (counted readings)."
    )
    unsure = serializers.IntegerField(
        allow_null=True, help_text="Unsure readings of the bucket, left out of every figure above."
    )
    mean_mood = serializers.FloatField(allow_null=True, help_text="Mean self-reported mood 1-5; null until reported.")


class DynamicsOutputSerializer(serializers.Serializer):
    to = serializers.DateField()
    bucket = serializers.ChoiceField(choices=[(name, name) for name in selectors.DYNAMICS_BUCKETS])
    timezone = serializers.CharField(help_text="The time zone days are counted in.")
    buckets = DynamicsBucketSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {"from": serializers.DateField()}
        fields.update(super().get_fields())
        return fields


class DynamicsInputSerializer(DateRangeSerializer):
    bucket = serializers.ChoiceField(
        choices=[(name, name) for name in selectors.DYNAMICS_BUCKETS], required=False, default="day"
    )


def dynamics_answer(
    user: User, params: dict[str, Any], *, read: Callable[[date, date, str], list[Any]] | None = None
) -> dict[str, Any]:
    """Defaults: the last DEFAULT_RANGE_DAYS days up to today in the person's time zone, by day."""
    tz = selectors.user_tzinfo_get(user=user)
    last = params.get("to") or timezone.localtime(timezone.now(), tz).date()
    first = params.get("from") or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    # Checked once the defaults are in: `from` alone may lie after today, or too far before it.
    problem = None
    if first > last:
        problem = _("The end of the period must not be before its start.")
    elif (last - first).days >= MAX_RANGE_DAYS:
        problem = ngettext(
            "The period can be at most %(days)s day long.",
            "The period can be at most %(days)s days long.",
            MAX_RANGE_DAYS,
        ) % {"days": MAX_RANGE_DAYS}
    if problem:
        raise Refusal("invalid", problem, field="from")
    if read is None:  # the person's own dynamics
        buckets = selectors.assessment_dynamics(user=user, first_day=first, last_day=last, bucket=params["bucket"])
    else:
        buckets = read(first, last, params["bucket"])
    return {"from": first, "to": last, "bucket": params["bucket"], "timezone": str(tz), "buckets": buckets}


DYNAMICS_DESCRIPTION = (
    "Per day or ISO week (Monday first) of the person's time zone, every bucket of the period listed. "
    f"Defaults: the last {DEFAULT_RANGE_DAYS} days up to today, by day; at most {MAX_RANGE_DAYS} days."
)


class DynamicsApi(ApiView):
    @extend_schema(
        tags=[DYNAMICS_TAG],
        parameters=[DynamicsInputSerializer],
        responses=responses({200: DynamicsOutputSerializer}, 400),
        summary="How your emotions moved over a period",
        description=DYNAMICS_DESCRIPTION,
    )
    def get(self, request: Request) -> Response:
        params = DynamicsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(DynamicsOutputSerializer(dynamics_answer(request.user, params.validated_data)).data)
