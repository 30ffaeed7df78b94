"""OpenAPI pieces every endpoint shares: the error envelope and the standard error responses."""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, `too_small`, ...")
    message = serializers.CharField(help_text="For the person, in their language.")
    document = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Only with `consent_required`: the id of the consent document to accept first.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # Added here: a class attribute named `fields` would hide Serializer.fields.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Input field → its messages; empty when the error is not about one field.",
        )
        return fields


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


STANDARD_ERRORS: dict[int, str] = {
    400: "Invalid input (`invalid` with `fields`, or an operation-specific code), or an unreadable body.",
    401: "No valid credentials: `not_authenticated` or `authentication_failed` (unknown, revoked or expired token).",
    403: "Not allowed: `permission_denied` (e.g. a missing CSRF token with session login) or a specific code.",
    404: "`not_found`: no such object among those you may see.",
    405: "`method_not_allowed`.",
    406: "`not_acceptable`: only application/json is produced.",
    409: "Conflicts with the current state (a specific code).",
    410: "`expired`: the link's time is over.",
    413: "`too_large`: the request body is over the limit.",
    415: "`unsupported_media_type`: send JSON (or multipart/form-data where documented).",
    429: "`throttled`: too many requests; retry after the seconds in the Retry-After header.",
    500: "`server_error`: our failure, never caused by input; reported to the operators.",
    503: "Temporarily impossible (a specific code).",
}


def error_response(status: int, description: str | None = None) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description or STANDARD_ERRORS[status])


def responses(
    success: dict[int, Any], *errors: int, public: bool = False, described: dict[int, str] | None = None
) -> dict[int, Any]:
    """Success responses plus the error envelope for `errors`, the always-possible ones and, unless public, 401."""
    described = described or {}
    codes = {*errors, 405, 406, 500}
    if not public:
        # 403 too: with session login, an unsafe request without its CSRF token is refused.
        codes.update((401, 403))
    result: dict[int, Any] = dict(success)
    for status in sorted(codes):
        result[status] = error_response(status, described.get(status))
    for status, description in described.items():
        result[status] = error_response(status, description)
    return result


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, naming the nested Input/Output serializers after their view.

    Every view has its own `InputSerializer`: by class name alone they would all be one component.
    """

    def get_serializer_name(self, serializer: serializers.Serializer, direction: str) -> str:
        owner, _dot, name = type(serializer).__qualname__.rpartition(".")
        if owner:
            return owner.rpartition(".")[2].removesuffix("Api") + name.removesuffix("Serializer")
        return name

    def get_response_serializers(self) -> Any:
        result = super().get_response_serializers()
        if isinstance(result, dict) and self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            # Any request with a body can come in a media type we do not parse.
            result = {**result}
            result.setdefault(415, error_response(415))
        return result

    def get_description(self) -> str:
        # The view's own docstring only: drf-spectacular would otherwise show ApiView's on every view without one.
        method_doc = getattr(getattr(self.view, self.method.lower(), None), "__doc__", None)
        doc = method_doc or type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""

    def _get_request_body(self, direction: str = "request") -> Any:
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        # drf-spectacular documents bodies for POST, PUT and PATCH only; the account erasure takes the
        # password in its DELETE body (OpenAPI allows it), so it is documented like a POST's.
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"
