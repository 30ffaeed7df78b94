"""Self-reports (mood 1-5) and the burnout questionnaire (CBI)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.pagination import (
    PAGINATION_PARAMETERS,
    paginated,
    paginated_response,
)
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from emotions import selectors
from emotions.factor_models import MAX_TAGS_PER_PERSON as FACTOR_TAGS_MAX
from emotions.factor_models import TAG_NAME_MAX_LENGTH as FACTOR_TAG_MAX
from emotions.models import CBI_ANSWER_POINTS, CBI_ITEM_KEYS, SelfReport
from emotions.services import (
    questionnaire_cbi_create,
    self_report_create,
)

from .common import DateRangeSerializer, date_range_page

SELF_REPORTS_TAG = "self-reports"
QUESTIONNAIRES_TAG = "questionnaires"


class SelfReportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    mood = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(allow_blank=True)
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    source = serializers.ChoiceField(choices=SelfReport.Source.choices)
    sleep_hours = serializers.FloatField(allow_null=True, help_text="Hours slept, when given.")
    workload = serializers.IntegerField(allow_null=True, help_text="1 (light) to 5 (overwhelming), when given.")
    tags = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="Your own tags."))
    def get_tags(self, report: SelfReport) -> list[str]:
        return [tag.name for tag in report.tags.all()]


class SelfReportApi(ApiView):
    """Your own mood ratings (1-5): list them, or add one (optionally answering one of your photos)."""

    class InputSerializer(ApiInputSerializer):
        mood = serializers.IntegerField(min_value=SelfReport.MOOD_MIN, max_value=SelfReport.MOOD_MAX)
        note = serializers.CharField(required=False, allow_blank=True, max_length=SelfReport.NOTE_MAX_LENGTH)
        assessment = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, help_text="The id of one of your photos this rating answers."
        )
        sleep_hours = serializers.FloatField(
            required=False, allow_null=True, min_value=0, max_value=24, help_text="Hours slept last night."
        )
        workload = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=5, help_text="1 (light) to 5 (overwhelming)."
        )
        tags = serializers.ListField(
            child=serializers.CharField(max_length=FACTOR_TAG_MAX),
            required=False,
            max_length=FACTOR_TAGS_MAX,
            help_text="Names of your own tags; a new name becomes a new tag (at most 20 in all).",
        )

    @extend_schema(
        tags=[SELF_REPORTS_TAG],
        parameters=[DateRangeSerializer, *PAGINATION_PARAMETERS],
        responses=responses({200: paginated(SelfReportOutputSerializer, "PaginatedSelfReportList")}, 400),
        summary="Your mood ratings",
        operation_id="self_reports_list",
        description="Newest first. `from`/`to` are days of your time zone.",
    )
    def get(self, request: Request) -> Response:
        return date_range_page(
            request,
            self,
            list_between=selectors.self_report_list_between,
            serializer_class=SelfReportOutputSerializer,
            ordering=("-at", "-id"),
        )

    @extend_schema(
        tags=[SELF_REPORTS_TAG],
        request=InputSerializer,
        responses=responses(
            {201: SelfReportOutputSerializer},
            400,
            described={404: "`not_found`: `assessment` is not one of your photos."},
        ),
        summary="Say how you feel (1-5)",
        operation_id="self_reports_create",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = self_report_create(
            user=request.user,
            mood=data["mood"],
            note=data.get("note", ""),
            assessment=data.get("assessment"),
            source=SelfReport.Source.API,
            sleep_hours=data.get("sleep_hours"),
            workload=data.get("workload"),
            tags=data.get("tags", ()),
        )
        return Response(SelfReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)


class CbiOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = serializers.CharField()
    at = serializers.DateTimeField()
    score = serializers.FloatField(help_text="0-100, the mean of the six items; higher means more exhaustion.")
    answers = serializers.DictField(child=serializers.CharField())


class CbiApi(ApiView):
    """The Copenhagen Burnout Inventory, personal-burnout scale. A score is not a diagnosis."""

    class InputSerializer(ApiInputSerializer):
        answers = serializers.DictField(
            child=serializers.ChoiceField(choices=list(CBI_ANSWER_POINTS)),
            help_text=f"Every item ({', '.join(CBI_ITEM_KEYS)}) -> one of {', '.join(CBI_ANSWER_POINTS)}.",
        )

    @extend_schema(
        tags=[QUESTIONNAIRES_TAG],
        parameters=[*PAGINATION_PARAMETERS],
        responses=responses({200: paginated(CbiOutputSerializer, "PaginatedCbiList")}, 400),
        summary="Your burnout questionnaire answers, newest first",
        operation_id="questionnaires_cbi_list",
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=selectors.questionnaire_cbi_list(user=request.user),
            serializer_class=CbiOutputSerializer,
            ordering=("-at", "-id"),
            request=request,
            view=self,
        )

    @extend_schema(
        tags=[QUESTIONNAIRES_TAG],
        request=InputSerializer,
        responses=responses({201: CbiOutputSerializer}, 400),
        summary="Answer the burnout questionnaire",
        operation_id="questionnaires_cbi_create",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = questionnaire_cbi_create(user=request.user, answers=serializer.validated_data["answers"])
        return Response(CbiOutputSerializer(response).data, status=status.HTTP_201_CREATED)
