"""Your own open burnout flags: what the dashboard's card shows, for a phone."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.pagination import PAGINATION_PARAMETERS, paginated, paginated_response
from burnout_site.api.schema import responses
from burnout_site.api.views import ApiView
from emotions import selectors
from emotions.models import BurnoutFlag

FLAGS_TAG = "flags"


class FlagOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=BurnoutFlag.Rule.choices, help_text="docs/burnout-flags.md")
    rule_display = serializers.CharField(
        source="get_rule_display", help_text="The rule's name in the request's language."
    )
    raised_at = serializers.DateTimeField()
    value = serializers.FloatField(
        allow_null=True,
        help_text="What crossed the threshold when raised: a share or difference of shares (0-1), or a CBI score "
        "(0-100) for `cbi`.",
    )


class FlagListApi(ApiView):
    """The caller's own open burnout flags, newest first (another person's are never listed)."""

    @extend_schema(
        tags=[FLAGS_TAG],
        parameters=[*PAGINATION_PARAMETERS],
        responses=responses({200: paginated(FlagOutputSerializer, "PaginatedFlagList")}, 400),
        summary="Your open burnout flags",
        operation_id="flags_list",
        description="A flag is a prompt to look closer, not a diagnosis. Evaluated right after each new photo "
        "result, mood rating or questionnaire answer, and daily.",
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=selectors.burnout_flag_open_of(user=request.user),
            serializer_class=FlagOutputSerializer,
            ordering=("-raised_at", "-id"),
            request=request,
            view=self,
        )
