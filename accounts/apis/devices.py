"""The person's signed-in devices (API tokens): list them, sign one out."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.pagination import PAGINATION_PARAMETERS, paginated, paginated_response
from burnout_site.api.schema import responses
from burnout_site.api.views import ApiView

from ..selectors import token_device_list
from ..services.devices import token_device_revoke
from .common import AUTH_TAG


class TokenDeviceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    device_name = serializers.CharField(source="name", allow_blank=True, help_text='"" when it is not known.')
    created = serializers.DateTimeField(source="token.created")
    last_used = serializers.DateTimeField(source="last_used_at", help_text="Kept to the minute.")
    expiry = serializers.DateTimeField(source="token.expiry", allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, device: Any) -> bool:
        """Whether this request was sent with this token."""
        auth = getattr(self.context.get("request"), "auth", None)
        return getattr(auth, "digest", None) == device.token_id


class TokenListApi(ApiView):
    """Every device signed in to your account with a token."""

    @extend_schema(
        tags=[AUTH_TAG],
        parameters=PAGINATION_PARAMETERS,
        responses=responses({200: paginated(TokenDeviceOutputSerializer, "PaginatedTokenDeviceList")}, 400),
        summary="Your signed-in devices, newest first",
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=token_device_list(user=request.user),
            serializer_class=TokenDeviceOutputSerializer,
            ordering=("-id",),
            request=request,
            view=self,
        )


class TokenRevokeApi(ApiView):
    """Sign one device out: its token answers 401 from now on."""

    @extend_schema(
        tags=[AUTH_TAG],
        request=None,
        responses=responses({204: OpenApiResponse(description="Revoked.")}, 404),
        summary="Sign a device out",
    )
    def delete(self, request: Request, pk: int) -> Response:
        token_device_revoke(user=request.user, device_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
