"""Photos and their assessments: send a photo, list and read your assessments."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ConsentKind
from accounts.services import consent_require
from burnout_site.api.pagination import (
    PAGINATION_PARAMETERS,
    paginated,
)
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.throttles import PhotoUploadThrottle
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal
from emotions import selectors
from emotions.confidence import CONFIDENCE_LEVELS
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from emotions.services import (
    assessment_create,
    assessment_delete,
    photo_validate,
)

from .common import CAPTURED_AT_SKEW, PHOTOS_TAG, DateRangeSerializer, date_range_page, year_check
from .feedback import FeedbackOutputSerializer, assessment_feedback_data


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
    negativity = serializers.FloatField(
        allow_null=True,
        help_text=(
            "The photo's negative tone: the summed probability of angry, disgust, fear and sad on this one photo "
            "(0-1). Not the `negative_share` of the dynamics, which counts readings whose top emotion is negative."
        ),
    )
    confidence = serializers.FloatField(
        allow_null=True,
        help_text=(
            "How sure the reading is, 0-1: the top emotion's probability. Null until analysed. Calibrated only "
            "when `confidence_calibrated` is true (docs/api.md)."
        ),
    )
    confidence_level = serializers.ChoiceField(
        choices=[(code, code) for code in CONFIDENCE_LEVELS],
        allow_null=True,
        help_text=(
            "sure, fairly_sure or unsure (thresholds CONFIDENCE_SURE_PERCENT, CONFIDENCE_UNSURE_BELOW_PERCENT); "
            "null until analysed. Unsure readings are listed but not counted in any share or burnout rule."
        ),
    )
    confidence_level_display = serializers.CharField(help_text="The level in the request's language; empty if none.")
    confidence_calibrated = serializers.BooleanField(
        help_text="Whether the model that made the reading (`model_version`) had calibrated probabilities."
    )
    probabilities = serializers.DictField(
        child=serializers.FloatField(), allow_null=True, help_text=f"One per class: {', '.join(CLASSES)}."
    )
    face_box = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="x, y, width, height in the photo's pixels."
    )
    faces_found = serializers.IntegerField()
    model_version = serializers.CharField(allow_blank=True)
    error = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(AssessmentErrorSerializer(allow_null=True))
    def get_error(self, assessment: PhotoAssessment) -> dict[str, str] | None:
        return _assessment_error(assessment)

    @extend_schema_field(FeedbackOutputSerializer(allow_null=True))
    def get_feedback(self, assessment: PhotoAssessment) -> dict[str, object] | None:
        return assessment_feedback_data(assessment)

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
            year_check(value.date())
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
                503: "`consent_unavailable`: no processing consent document is published yet; "
                "`storage_unavailable`: the photo store is down, nothing was stored (send it again later).",
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
        return date_range_page(
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
            raise Refusal("not_found", _("No such assessment."))
        return Response(AssessmentOutputSerializer(assessment, context={"request": request}).data)

    @extend_schema(
        tags=[PHOTOS_TAG],
        request=None,
        responses=responses(
            {204: None}, described={404: "`not_found`: no such assessment among yours (anyone else's id too)."}
        ),
        summary="Delete one of your assessments (and its photo, if still stored)",
        operation_id="assessments_destroy",
    )
    def delete(self, request: Request, pk: int) -> Response:
        # Audited, its photo file deleted after the commit, gone from the dynamics and the export: the service.
        assessment_delete(user=request.user, assessment_id=pk, channel=PhotoAssessment.Source.API)
        return Response(status=status.HTTP_204_NO_CONTENT)
