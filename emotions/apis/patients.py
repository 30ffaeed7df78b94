"""A psychologist's patients: the list and each one's dynamics (read through audited selectors)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.apis import require_patient_data_access
from accounts.models import AuditEvent, SharingCategory
from burnout_site.api.pagination import (
    PAGINATION_PARAMETERS,
    paginated,
    paginated_rows_response,
)
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal
from emotions import selectors

from .common import PATIENTS_TAG
from .dynamics import DYNAMICS_DESCRIPTION, DynamicsInputSerializer, DynamicsOutputSerializer, dynamics_answer

PATIENT_ACCESS_ERRORS = (
    "`psychologists_only`, `psychologist_not_verified`, `otp_setup_required` (set up two-factor sign-in on the "
    "website), `otp_required` (get a token with `otp_token`), or `permission_denied`."
)


NOT_SHARED = " Null when the patient does not share `%s` with you."


class PatientOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="patient_id")
    name = serializers.CharField(help_text="Your alias for them, their name, or their username.")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=SharingCategory.choices),
        help_text="What the patient shares with you; the fields of the others are null (`flagged`: false).",
    )
    last_assessment_at = serializers.DateTimeField(allow_null=True, help_text=NOT_SHARED % "readings")
    recent_total = serializers.IntegerField(
        allow_null=True,
        help_text="Counted readings (analysed, not unsure) in the last PORTAL_WINDOW_DAYS days."
        + NOT_SHARED % "readings",
    )
    recent_unsure = serializers.IntegerField(
        allow_null=True,
        help_text="Unsure readings in that window, left out of the shares." + NOT_SHARED % "readings",
    )
    recent_share = serializers.FloatField(
        allow_null=True, help_text="Share of those readings whose top emotion is negative."
    )
    previous_share = serializers.FloatField(allow_null=True, help_text="Negative share in the window before.")
    share_change = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField(
        help_text="The patient has an open burnout flag (docs/burnout-flags.md): the portal's 'Needs attention'. "
        "False when the patient does not share `flags` with you."
    )
    latest_cbi = serializers.FloatField(
        allow_null=True,
        help_text="The last CBI personal-burnout score (0-100); null when never answered."
        + NOT_SHARED % "questionnaire",
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
        responses=responses(
            {200: DynamicsOutputSerializer},
            400,
            described={
                403: PATIENT_ACCESS_ERRORS,
                404: "`not_found`: no such patient shares data with you, or they share neither `readings` nor `mood`.",
            },
        ),
        summary="A patient's dynamics (psychologists, while the patient shares with you)",
        description=DYNAMICS_DESCRIPTION
        + " The read is recorded on the patient's privacy page. Without `readings` shared, `count`, `negative`, "
        "`negative_share`, `mean_negativity` and `unsure` are null and `class_mix` is empty; without `mood`, "
        "`mean_mood` is null.",
    )
    def get(self, request: Request, patient_id: int) -> Response:
        require_patient_data_access(request)
        # Among this psychologist's active patients sharing readings or mood only: any other id, or a revoked
        # link, is a 404.
        share = selectors.patient_share_get(psychologist=request.user, patient_id=patient_id, read="patient_dynamics")
        if share is None:
            raise Refusal("not_found", _("No such patient shares data with you."))
        patient = share.patient
        params = DynamicsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)

        def read(first: date, last: date, bucket: str) -> list[selectors.DynamicsBucket]:
            # The read records the audit line, with the period.
            return selectors.patient_dynamics_read(
                psychologist=request.user, share=share, first_day=first, last_day=last, bucket=bucket
            )

        return Response(DynamicsOutputSerializer(dynamics_answer(patient, params.validated_data, read=read)).data)
