"""REST API of the emotions app: send a photo, read assessments and dynamics; a psychologist's patients.

Views only route: Input serializers check the shape, services write, selectors read (and decide what a
person may see: another person's id is a 404). Routes are in burnout_site/api_urls.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.apis import require_patient_data_access
from accounts.models import AuditEvent, ConsentKind, User
from accounts.services import consent_require
from burnout_site.api.exceptions import ApiError
from burnout_site.api.pagination import (
    PAGINATION_PARAMETERS,
    paginated,
    paginated_response,
    paginated_rows_response,
)
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.throttles import PhotoUploadThrottle
from burnout_site.api.views import ApiView
from emotions import selectors
from emotions.ml.labels import CLASSES
from emotions.models import CBI_ANSWER_POINTS, CBI_ITEM_KEYS, PhotoAssessment, SelfReport
from emotions.services import (
    assessment_create,
    photo_validate,
    questionnaire_cbi_create,
    self_report_create,
)

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


def _check_year(value: date) -> date:
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
                    _check_year(attrs[name])
                except serializers.ValidationError as exc:
                    errors[name] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        first, last = attrs.get("from"), attrs.get("to")
        if first and last and first > last:
            raise serializers.ValidationError({"to": [_("The end of the period must not be before its start.")]})
        return attrs


def _assessment_error(assessment: PhotoAssessment) -> dict[str, str] | None:
    if not assessment.error_code and not assessment.error:
        return None
    return {"code": assessment.error_code, "message": assessment.user_message()}


class AssessmentErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="no_face, too_dark, photo_missing, model_unavailable, ...")
    message = serializers.CharField()


class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PhotoAssessment.Status.choices)
    source = serializers.ChoiceField(choices=PhotoAssessment.Source.choices)
    captured_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    analyzed_at = serializers.DateTimeField(allow_null=True)
    label = serializers.CharField(allow_blank=True, help_text="The top emotion; empty until analysed.")
    label_display = serializers.CharField(help_text="The top emotion's name in the request's language.")
    valence = serializers.CharField(allow_blank=True, help_text="positive, neutral or negative; empty until analysed.")
    negativity = serializers.FloatField(allow_null=True, help_text="Sum of the negative emotions' probabilities.")
    probabilities = serializers.DictField(
        child=serializers.FloatField(), allow_null=True, help_text=f"One per class: {', '.join(CLASSES)}."
    )
    face_box = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="x, y, width, height in the photo's pixels."
    )
    faces_found = serializers.IntegerField()
    model_version = serializers.CharField(allow_blank=True)
    error = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(AssessmentErrorSerializer(allow_null=True))
    def get_error(self, assessment: PhotoAssessment) -> dict[str, str] | None:
        return _assessment_error(assessment)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, assessment: PhotoAssessment) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:assessment_detail", args=[assessment.pk]))


class PhotoAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PhotoAssessment.Status.choices)
    status_url = serializers.URLField(help_text="Poll it until `status` is no longer `pending`.")


class PhotoUploadApi(ApiView):
    """Send one face photo; it is analysed in the background."""

    parser_classes = (MultiPartParser, FormParser)
    # The same per-person count as the web form and the bot (PHOTO_UPLOAD_RATE).
    throttle_classes = (PhotoUploadThrottle,)

    class InputSerializer(ApiInputSerializer):
        image = serializers.FileField(
            # Empty files reach photo_validate, so every channel answers them with the same message.
            allow_empty_file=True,
            error_messages={"required": gettext_lazy("Please choose a photo to upload.")},
            help_text="JPEG, PNG or WebP, at most PHOTO_MAX_BYTES (10 MB by default).",
        )
        captured_at = serializers.DateTimeField(
            required=False, help_text="When the photo was taken (ISO 8601); now when left out."
        )

        def validate_captured_at(self, value: datetime) -> datetime:
            _check_year(value.date())
            if value > timezone.now() + CAPTURED_AT_SKEW:
                raise serializers.ValidationError(_("The time the photo was taken must not be in the future."))
            return value

    @extend_schema(
        tags=[PHOTOS_TAG],
        request={"multipart/form-data": InputSerializer},
        responses=responses(
            {202: PhotoAcceptedSerializer},
            415,
            429,
            described={
                400: (
                    "`invalid` (a missing file, a bad `captured_at`), or the photo's rejection under `fields.image`: "
                    "`empty`, `not_an_image`, `damaged`, `unsupported_format`, `too_small`, `too_many_pixels`, "
                    "`too_long_side` (over 65,500 px, the most a JPEG can have), `cannot_reencode`, "
                    "`too_large` (over PHOTO_MAX_BYTES)."
                ),
                403: "`consent_required`: accept the processing consent first (`document` is its id).",
                413: "`too_large`: the request body itself is over the server's limit.",
                503: "`consent_unavailable`: no processing consent document is published yet.",
            },
        ),
        summary="Send a face photo",
    )
    def post(self, request: Request) -> Response:
        # Before looking at the photo: without consent we do not even decode it.
        consent_require(user=request.user, kind=ConsentKind.PROCESSING)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = photo_validate(data=serializer.validated_data["image"])
        assessment = assessment_create(
            user=request.user,
            photo=photo,
            source=PhotoAssessment.Source.API,
            captured_at=serializer.validated_data.get("captured_at"),
        )
        status_url = request.build_absolute_uri(reverse("api:assessment_detail", args=[assessment.pk]))
        return Response(
            {"id": assessment.pk, "status": assessment.status, "status_url": status_url},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": status_url},
        )


def _date_range_page(
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


class AssessmentListApi(ApiView):
    """Your assessments, newest photo first."""

    @extend_schema(
        tags=[PHOTOS_TAG],
        parameters=[DateRangeSerializer, *PAGINATION_PARAMETERS],
        responses=responses({200: paginated(AssessmentOutputSerializer, "PaginatedAssessmentList")}, 400),
        summary="Your assessments",
        operation_id="assessments_list",
        description="`from`/`to` are days of your time zone (the `timezone` of /api/v1/me/).",
    )
    def get(self, request: Request) -> Response:
        return _date_range_page(
            request,
            self,
            list_between=selectors.assessment_list_between,
            serializer_class=AssessmentOutputSerializer,
            ordering=("-captured_at", "-id"),
        )


class AssessmentDetailApi(ApiView):
    @extend_schema(
        tags=[PHOTOS_TAG],
        responses=responses({200: AssessmentOutputSerializer}, 404),
        summary="One assessment (poll it while `status` is `pending`)",
    )
    def get(self, request: Request, pk: int) -> Response:
        # Among the person's own rows only: someone else's id is a 404, so ids reveal nothing.
        assessment = selectors.assessment_list(user=request.user).filter(pk=pk).first()
        if assessment is None:
            raise ApiError(status_code=404, code="not_found", message=_("No such assessment."))
        return Response(AssessmentOutputSerializer(assessment, context={"request": request}).data)


# --- dynamics -----------------------------------------------------------------------------------------------


class DynamicsBucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included.")
    count = serializers.IntegerField(help_text="Analysed photos (with a face found).")
    negative = serializers.IntegerField(help_text="Of them, those whose top emotion is negative.")
    negative_share = serializers.FloatField(allow_null=True, help_text="negative / count; null without photos.")
    mean_negativity = serializers.FloatField(allow_null=True)
    class_mix = serializers.DictField(child=serializers.IntegerField(), help_text="Top-emotion counts per class.")
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


def _dynamics(
    user: User, params: dict[str, Any], *, read: Callable[[date, date, str], list[Any]] | None = None
) -> dict[str, Any]:
    """Defaults: the last DEFAULT_RANGE_DAYS days up to today in the person's time zone, by day."""
    tz = selectors.user_tzinfo(user)
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
        raise ApiError(status_code=400, code="invalid", message=problem, fields={"from": [problem]})
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
        return Response(DynamicsOutputSerializer(_dynamics(request.user, params.validated_data)).data)


# --- a psychologist's patients ---------------------------------------------------------------------------------

PATIENT_ACCESS_ERRORS = (
    "`psychologists_only`, `psychologist_not_verified`, `otp_setup_required` (set up two-factor sign-in on the "
    "website), `otp_required` (get a token with `otp_token`), or `permission_denied`."
)


class PatientOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="patient_id")
    name = serializers.CharField(help_text="Your alias for them, their name, or their username.")
    last_assessment_at = serializers.DateTimeField(allow_null=True)
    recent_total = serializers.IntegerField(help_text="Analysed photos in the last PORTAL_WINDOW_DAYS days.")
    recent_share = serializers.FloatField(allow_null=True, help_text="Negative share in that window.")
    previous_share = serializers.FloatField(allow_null=True, help_text="Negative share in the window before.")
    share_change = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField(
        help_text="The patient has an open burnout flag (docs/burnout-flags.md): the portal's 'Needs attention'."
    )
    latest_cbi = serializers.FloatField(
        allow_null=True, help_text="The last CBI personal-burnout score (0-100); null when never answered."
    )


class PatientListApi(ApiView):
    class FilterSerializer(ApiInputSerializer):
        sort = serializers.ChoiceField(choices=[(name, name) for name in selectors.PORTAL_SORTS], default="flag")

    @extend_schema(
        tags=[PATIENTS_TAG],
        parameters=[FilterSerializer, *PAGINATION_PARAMETERS],
        responses=responses(
            {200: paginated(PatientOutputSerializer, "PaginatedPatientList")},
            400,
            described={403: PATIENT_ACCESS_ERRORS},
        ),
        summary="The patients who share their data with you now (psychologists)",
        operation_id="patients_list",
        description=(
            "One row per active sharing link, in the chosen order, a page at a time. The privacy page of each "
            "patient on the page records the read."
        ),
    )
    def get(self, request: Request) -> Response:
        require_patient_data_access(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        responses: list[Response] = []

        def one_page(rows: list[selectors.PortalRow]) -> list[selectors.PortalRow]:
            response, page = paginated_rows_response(
                rows=rows, anchor=lambda row: row.link_id, serializer_class=PatientOutputSerializer, request=request
            )
            responses.append(response)
            return page

        # The read records the patients on the page (only those) as read through the API.
        selectors.portal_patient_list_read(
            psychologist=request.user,
            sort=filters.validated_data["sort"],
            action=AuditEvent.Action.API_READ,
            detail={"what": "patient_list"},
            page=one_page,
        )
        return responses[0]


class PatientDynamicsApi(ApiView):
    @extend_schema(
        tags=[PATIENTS_TAG],
        parameters=[DynamicsInputSerializer],
        responses=responses({200: DynamicsOutputSerializer}, 400, 404, described={403: PATIENT_ACCESS_ERRORS}),
        summary="A patient's dynamics (psychologists, while the patient shares with you)",
        description=DYNAMICS_DESCRIPTION + " The read is recorded on the patient's privacy page.",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        require_patient_data_access(request)
        # Among this psychologist's active patients only: any other id, or a revoked link, is a 404.
        patient = selectors.patient_of_psychologist(psychologist=request.user, patient_id=patient_id)
        if patient is None:
            raise ApiError(status_code=404, code="not_found", message=_("No such patient shares data with you."))
        params = DynamicsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)

        def read(first: date, last: date, bucket: str) -> list[selectors.DynamicsBucket]:
            # The read records the audit line, with the period.
            return selectors.patient_dynamics_read(
                psychologist=request.user, patient=patient, first_day=first, last_day=last, bucket=bucket
            )

        return Response(DynamicsOutputSerializer(_dynamics(patient, params.validated_data, read=read)).data)


# --- self-reports and the burnout questionnaire --------------------------------------------------------------

SELF_REPORTS_TAG = "self-reports"
QUESTIONNAIRES_TAG = "questionnaires"


class SelfReportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    mood = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(allow_blank=True)
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    source = serializers.ChoiceField(choices=SelfReport.Source.choices)


class SelfReportApi(ApiView):
    """Your own mood ratings (1-5): list them, or add one (optionally answering one of your photos)."""

    class InputSerializer(ApiInputSerializer):
        mood = serializers.IntegerField(min_value=SelfReport.MOOD_MIN, max_value=SelfReport.MOOD_MAX)
        note = serializers.CharField(required=False, allow_blank=True, max_length=SelfReport.NOTE_MAX_LENGTH)
        assessment = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, help_text="The id of one of your photos this rating answers."
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
        return _date_range_page(
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
