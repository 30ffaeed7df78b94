"""The printable report as a PDF: a patient's (psychologists, shared categories only) and the caller's own.

Both downloads are recorded on the person's privacy page inside the read (emotions.reports).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request

from burnout_site.api.schema import responses
from burnout_site.api.views import ApiView
from emotions import selectors
from emotions.clinician_views import pdf_response, report_filename
from emotions.reports import (
    REPORT_DEFAULT_DAYS,
    REPORT_MAX_DAYS,
    REPORT_MIN_DAYS,
    own_report_read,
    patient_report_read,
    report_days_parse,
)

from .common import DYNAMICS_TAG, PATIENTS_TAG
from .patients import PATIENT_ACCESS_ERRORS
from .sessions import link_of

DAYS_PARAMETER = OpenApiParameter(
    "days",
    OpenApiTypes.INT,
    description=f"The period: the last N days, {REPORT_MIN_DAYS} to {REPORT_MAX_DAYS} (default {REPORT_DEFAULT_DAYS}).",
)
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="An A4 PDF, 1-2 pages (Content-Type: application/pdf).")


class PatientReportApi(ApiView):
    @extend_schema(
        tags=[PATIENTS_TAG],
        parameters=[DAYS_PARAMETER],
        responses=responses({(200, "application/pdf"): PDF}, 400, 404, described={403: PATIENT_ACCESS_ERRORS}),
        summary="A patient's printable report (psychologists)",
        operation_id="patient_report",
        description="The brief since your last session, charts and tables of the period, only the categories "
        "the patient shares with you, in your language. The download is on the patient's privacy page.",
    )
    def get(self, request: Request, patient_id: int) -> HttpResponse:
        link = link_of(request, patient_id)
        days = report_days_parse(request.query_params.get("days"))
        pdf = patient_report_read(
            psychologist=request.user, link=link, categories=selectors.link_categories(link=link), days=days
        )
        return pdf_response(pdf, report_filename(patient_id, days))


class OwnReportApi(ApiView):
    @extend_schema(
        tags=[DYNAMICS_TAG],
        parameters=[DAYS_PARAMETER],
        responses=responses({(200, "application/pdf"): PDF}, 400),
        summary="Your own printable report",
        operation_id="me_report",
        description="Your data of the period as a PDF, to bring to a clinician who is not on the platform. "
        "The download is listed on your privacy page.",
    )
    def get(self, request: Request) -> HttpResponse:
        days = report_days_parse(request.query_params.get("days"))
        return pdf_response(own_report_read(user=request.user, days=days), report_filename(request.user.pk, days))
