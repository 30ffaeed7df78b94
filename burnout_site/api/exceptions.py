"""One error shape for the whole API: `{"error": {"code": ..., "message": ..., "fields": {...}}}`.

`code` is stable and meant for programs (`invalid`, `not_authenticated`, `not_found`, `throttled`, a photo
rejection code such as `too_small`, ...); `message` is a sentence for the person, in their language;
`fields` maps an input field to its messages (empty when the error is not about one field).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from burnout_site.database_busy import API_ERROR_CODE, RETRY_AFTER_SECONDS, busy_message, database_gave_up, log_busy
from burnout_site.errors import REFUSALS, Refusal

# Django's own "django.request" logger: where a 500 of a page is reported too.
logger = logging.getLogger("django.request")


class ApiError(exceptions.APIException):
    """An error whose code and message the view chooses; `extra` adds keys beside them (e.g. `document`)."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.code = code
        self.message = str(message)
        self.fields = {name: [str(item) for item in items] for name, items in (fields or {}).items()}
        self.extra = extra or {}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}, **extra}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "field.sub": [...], "items.0": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in items]}


def _validation_body(detail: Any) -> dict[str, Any]:
    fields = _flatten(detail)
    general = fields.pop(api_settings.NON_FIELD_ERRORS_KEY, [])
    if general:
        message = " ".join(general)
    elif len(fields) == 1 and len(next(iter(fields.values()))) == 1:
        # One problem: say it, so that a client showing only `message` still shows the right thing.
        message = next(iter(fields.values()))[0]
    else:
        message = _("Some of the data sent is not valid. Please check the fields listed.")
    return error_body("invalid", message, fields)


def refusal_api_error(refusal: Refusal) -> ApiError:
    """A service's refusal as the API's error: the status and public code its code declares in `REFUSALS`."""
    return ApiError(
        status_code=refusal.status,
        code=refusal.api_code,
        message=refusal.message,
        fields={refusal.field: [refusal.message]} if refusal.field else None,
        extra=refusal.extra,
    )


def _convert(exc: Exception) -> Exception:
    """Django's exceptions and the domain's refusals as DRF ones, so that every error takes the same path."""
    if isinstance(exc, Refusal) and exc.code in REFUSALS:
        # A code missing from the table falls through to the logged 500: a programming error, not a guess.
        error = refusal_api_error(exc)
        # A rate limit's refusal says when to come back; DRF's handler turns `wait` into Retry-After.
        error.wait = getattr(exc, "retry_after", None)
        return error
    if isinstance(exc, RequestDataTooBig):
        return ApiError(
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            code="too_large",
            message=_("The request is too large."),
        )
    if isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a malformed multipart body...: the client's input, not our failure.
        return ApiError(status_code=400, code="bad_request", message=_("The request could not be read."))
    if isinstance(exc, DjangoValidationError):
        # A model's or validator's ValidationError (keyed by field name when it knows the field).
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, Http404):
        # Not DRF's "No PhotoAssessment matches the given query.": model names are nobody's business.
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    request = context.get("request")
    busy = database_gave_up(getattr(request, "_request", request), exc)
    if busy is not None:
        log_busy(request, busy)
        exc = ApiError(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, code=API_ERROR_CODE, message=busy_message())
        exc.wait = RETRY_AFTER_SECONDS  # DRF's handler turns `wait` into the Retry-After header
    exc = _convert(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"status_code": 500, "request": getattr(request, "_request", None)},
        )
        return Response(
            error_body("server_error", _("Something went wrong on our side. Please try again later.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, ApiError):
        response.data = error_body(exc.code, exc.message, exc.fields, **exc.extra)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = error_body(code, str(detail))
    return response


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any unknown address under /api/: the JSON error, not the HTML 404 page."""
    message = str(exceptions.NotFound.default_detail)
    if not request.path.endswith("/"):
        # This catch-all also takes the place of APPEND_SLASH's redirect, which would lose a POST's body.
        try:
            match = resolve(f"{request.path}/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != NOT_FOUND_URL_NAME:
            message = _("Not found. API addresses end with a slash: %(path)s") % {"path": f"{request.path}/"}
    return JsonResponse(error_body("not_found", message), status=404)


NOT_FOUND_URL_NAME = "not_found"
