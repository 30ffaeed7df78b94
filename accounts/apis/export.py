"""The "Download my data" archive through the API: request an archive, follow it, download it."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.schema import responses
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal

from ..models import DataExport
from ..selectors import data_export_get
from ..services import data_export_open, data_export_request, data_export_token
from .common import PRIVACY_TAG


class ExportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DataExport.Status.choices)
    created_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Set while the archive is ready and not expired.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, export: DataExport) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:export_detail", args=[export.pk]))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, export: DataExport) -> str | None:
        if export.status != DataExport.Status.READY or export.is_expired() or not export.file:
            return None
        token = data_export_token(export=export)
        return self.context["request"].build_absolute_uri(reverse("api:export_download", args=[token]))


class ExportRequestApi(ApiView):
    throttle_scope = "export"

    @extend_schema(
        tags=[PRIVACY_TAG],
        request=None,
        responses=responses(
            {202: ExportOutputSerializer},
            429,
            described={409: "`pending`: an export is already being prepared."},
        ),
        summary="Ask for a copy of all your data",
        description="Poll `status_url` until `download_url` appears; the link works for EXPORT_LINK_HOURS hours.",
    )
    def post(self, request: Request) -> Response:
        export = data_export_request(user=request.user)
        data = ExportOutputSerializer(export, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class ExportDetailApi(ApiView):
    @extend_schema(
        tags=[PRIVACY_TAG],
        responses=responses({200: ExportOutputSerializer}, 404),
        summary="One of your data exports",
    )
    def get(self, request: Request, pk: int) -> Response:
        export = data_export_get(user=request.user, export_id=pk)
        if export is None:
            raise Refusal("not_found", _("No such export."))
        return Response(ExportOutputSerializer(export, context={"request": request}).data)


class ZipRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "zip"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


class ExportDownloadApi(ApiView):
    renderer_classes = (JSONRenderer, ZipRenderer)
    throttle_scope = "export"

    @extend_schema(
        tags=[PRIVACY_TAG],
        responses=responses(
            {(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The archive.")},
            404,
            429,
            described={410: "`expired`: ask for a new export."},
        ),
        summary="Download a ready export (the link from `download_url`)",
        # DRF's ?format= switch means nothing here: the answer is the zip (or the JSON error).
        parameters=[OpenApiParameter("format", exclude=True)],
    )
    def get(self, request: Request, token: str) -> HttpResponseBase:
        export = data_export_open(user=request.user, token=token)
        response = FileResponse(export.file.open("rb"), as_attachment=True, filename="burnout-detector-my-data.zip")
        response["Cache-Control"] = "no-store"
        return response

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON whatever the client asked for: the zip renderer cannot draw them.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
