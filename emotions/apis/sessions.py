"""A psychologist's sessions with a patient, and the "since last session" brief (audited in its selector)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.apis import require_patient_data_access
from accounts.models import CareLink
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal
from emotions import selectors
from emotions.selectors.brief import care_session_list, patient_brief_read
from emotions.services.sessions import care_session_create

from .common import PATIENTS_TAG, year_check
from .patients import PATIENT_ACCESS_ERRORS


def link_of(request: Request, patient_id: int) -> CareLink:
    """The caller's active link with this patient, after the access checks; any other id is a 404."""
    require_patient_data_access(request)
    link = selectors.patient_link_get(psychologist=request.user, patient_id=patient_id)
    if link is None:
        raise Refusal("not_found", _("No such patient shares data with you."))
    return link


class SessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(source="on", help_text="The session's day (YYYY-MM-DD).")
    created_at = serializers.DateTimeField()


class SessionListApi(ApiView):
    class InputSerializer(ApiInputSerializer):
        date = serializers.DateField(
            help_text="The day you saw the patient (YYYY-MM-DD), not in the future.", validators=[year_check]
        )

    @extend_schema(
        tags=[PATIENTS_TAG],
        responses=responses({200: SessionOutputSerializer(many=True)}, 404, described={403: PATIENT_ACCESS_ERRORS}),
        summary="Your session dates with a patient, newest first (psychologists)",
        operation_id="patient_sessions_list",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        link = link_of(request, patient_id)
        return Response(SessionOutputSerializer(care_session_list(link=link), many=True).data)

    @extend_schema(
        tags=[PATIENTS_TAG],
        request=InputSerializer,
        responses=responses({201: SessionOutputSerializer}, 400, 404, described={403: PATIENT_ACCESS_ERRORS}),
        summary="Record a session date with a patient (psychologists)",
        operation_id="patient_sessions_create",
        description="The brief starts at the last session date. Refusals: `invalid` (a future day, or more than "
        "three years ago), `already_saved` (that day is recorded), `not_found`.",
    )
    def post(self, request: Request, patient_id: int) -> Response:
        link = link_of(request, patient_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = care_session_create(
            psychologist=request.user, patient_id=link.patient_id, on=data.validated_data["date"]
        )
        return Response(SessionOutputSerializer(session).data, status=201)


class BriefOutputSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    since_session = serializers.BooleanField(help_text="True: the span starts at your last session date.")
    categories = serializers.ListField(child=serializers.CharField(), help_text="The categories shared with you.")
    readings = serializers.IntegerField(help_text="Counted readings in the span.")
    share_now = serializers.FloatField(allow_null=True)
    share_before = serializers.FloatField(allow_null=True, help_text="In the span of the same length before.")
    share_change = serializers.FloatField(allow_null=True)
    unsure = serializers.IntegerField()
    mood_ratings = serializers.IntegerField()
    mood_now = serializers.FloatField(allow_null=True)
    mood_before = serializers.FloatField(allow_null=True)
    cbi_now = serializers.FloatField(allow_null=True)
    cbi_before = serializers.FloatField(allow_null=True)
    days_without_data = serializers.IntegerField()
    sentences = serializers.ListField(child=serializers.CharField(), help_text="The brief in plain words.")


class BriefApi(ApiView):
    @extend_schema(
        tags=[PATIENTS_TAG],
        responses=responses({200: BriefOutputSerializer}, 404, described={403: PATIENT_ACCESS_ERRORS}),
        summary="The 'since last session' brief of a patient (psychologists)",
        operation_id="patient_brief",
        description="Only the categories the patient shares with you; the read is on the patient's privacy page.",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        link = link_of(request, patient_id)
        brief = patient_brief_read(
            psychologist=request.user, link=link, categories=selectors.link_categories(link=link)
        )
        data = BriefOutputSerializer(brief).data
        data["categories"] = sorted(brief.categories)
        return Response(data)
