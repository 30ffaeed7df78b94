"""What the emotions APIs share: schema tags, the date range of a query and one page of rows within it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from burnout_site.api.pagination import paginated_response
from burnout_site.api.serializers import ApiInputSerializer

PHOTOS_TAG = "photos"
DYNAMICS_TAG = "dynamics"
PATIENTS_TAG = "patients"

# Dates outside these years are typing errors, and would overflow date arithmetic at the extremes.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_RANGE_DAYS = 731
DEFAULT_RANGE_DAYS = 30
# A phone's clock may run a little ahead of ours.
CAPTURED_AT_SKEW = timedelta(minutes=5)

DATE_OUT_OF_RANGE_MESSAGE = gettext_lazy("Give a date between the years %(first)s and %(last)s.")


def year_check(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(DATE_OUT_OF_RANGE_MESSAGE % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return value


class DateRangeSerializer(ApiInputSerializer):
    """`from` and `to`: calendar days in the person's time zone, both included."""

    to = serializers.DateField(required=False, help_text="Last day (YYYY-MM-DD), included.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # `from` is a Python keyword, so it cannot be a class attribute.
        fields = {"from": serializers.DateField(required=False, help_text="First day (YYYY-MM-DD), included.")}
        fields.update(super().get_fields())
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for name in ("from", "to"):
            if attrs.get(name) is not None:
                try:
                    year_check(attrs[name])
                except serializers.ValidationError as exc:
                    errors[name] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        first, last = attrs.get("from"), attrs.get("to")
        if first and last and first > last:
            raise serializers.ValidationError({"to": [_("The end of the period must not be before its start.")]})
        return attrs


def date_range_page(
    request: Request,
    view: APIView,
    *,
    list_between: Callable[..., QuerySet[Any]],
    serializer_class: type[BaseSerializer],
    ordering: Sequence[str],
) -> Response:
    """One page of the caller's own rows between the optional `from`/`to` days of their time zone."""
    filters = DateRangeSerializer(data=request.query_params)
    filters.is_valid(raise_exception=True)
    rows = list_between(
        user=request.user, first_day=filters.validated_data.get("from"), last_day=filters.validated_data.get("to")
    )
    return paginated_response(
        queryset=rows, serializer_class=serializer_class, ordering=ordering, request=request, view=view
    )
