""" "Was this right?" over the API: set or withdraw your own label for one of your finished readings."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from emotions.ml.labels import CLASSES
from emotions.models import AssessmentFeedback, PhotoAssessment
from emotions.services import assessment_feedback_set, assessment_feedback_withdraw

from .common import PHOTOS_TAG

ALLOWED_LABELS = ", ".join(f"`{name}`" for name in CLASSES)


class FeedbackOutputSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=CLASSES, help_text="The emotion you said the photo shows.")
    agrees = serializers.BooleanField(help_text="True when it is the reading's own label (you said: right).")
    at = serializers.DateTimeField(source="updated_at", help_text="When you last gave or changed it.")


def assessment_feedback_data(assessment: PhotoAssessment) -> dict[str, object] | None:
    """The `feedback` of an assessment's JSON: the person's answer, or None when they gave none."""
    try:
        feedback = assessment.feedback
    except ObjectDoesNotExist:
        return None
    return FeedbackOutputSerializer(feedback).data


class AssessmentFeedbackApi(ApiView):
    """Say whether the reading of one of your photos was right: send the emotion it shows."""

    class InputSerializer(ApiInputSerializer):
        # A plain string here: the service refuses an unknown emotion with the one message naming the seven.
        label = serializers.CharField(help_text=f"One of {ALLOWED_LABELS}; the reading's own `label` means right.")

    @extend_schema(
        tags=[PHOTOS_TAG],
        request=InputSerializer,
        responses=responses(
            {200: FeedbackOutputSerializer},
            415,
            described={
                400: "`invalid`: `label` is missing or not one of the seven classes (the message names them).",
                404: "`not_found`: no such assessment among yours.",
                409: "`pending`: still being analysed; `not_analysed`: no reading to check (no face, failed).",
            },
        ),
        summary="Say whether a reading was right",
        operation_id="assessments_feedback_set",
    )
    def put(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback: AssessmentFeedback = assessment_feedback_set(
            user=request.user,
            assessment_id=pk,
            label=serializer.validated_data["label"],
            source=PhotoAssessment.Source.API,
        )
        return Response(FeedbackOutputSerializer(feedback).data)

    @extend_schema(
        tags=[PHOTOS_TAG],
        request=None,
        responses=responses({204: None}, described={404: "`not_found`: no such assessment among yours."}),
        summary="Withdraw what you said about a reading",
        operation_id="assessments_feedback_withdraw",
        description="204 whether or not you had said anything: withdrawing twice is no error.",
    )
    def delete(self, request: Request, pk: int) -> Response:
        assessment_feedback_withdraw(user=request.user, assessment_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
