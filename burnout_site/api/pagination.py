"""Cursor pagination for every list: stable under inserts (new photos arrive while a client pages)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core import signing
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

Row = TypeVar("Row")

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CURSOR_INVALID_MESSAGE = _("This page link is not valid. Start again from the first page.")
PAGE_SIZE_INVALID_MESSAGE = _("Ask for between 1 and %(max)s items per page.")


class ApiCursorPagination(CursorPagination):
    """DRF's cursor pagination, strict about its parameters: a bad one is a 400 with the field, never ignored."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def __init__(self, ordering: Sequence[str]) -> None:
        self.ordering = tuple(ordering)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError(
                {self.page_size_query_param: [PAGE_SIZE_INVALID_MESSAGE % {"max": self.max_page_size}]}
            )
        return size

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except Exception:
            # DRF answers a forged or truncated cursor with a 404; it is a bad parameter.
            raise serializers.ValidationError({self.cursor_query_param: [CURSOR_INVALID_MESSAGE]}) from None


def paginated_response(
    *,
    queryset: QuerySet[Any],
    serializer_class: type[BaseSerializer],
    ordering: Sequence[str],
    request: Request,
    view: APIView,
    context: dict[str, Any] | None = None,
) -> Response:
    paginator = ApiCursorPagination(ordering)
    page = paginator.paginate_queryset(queryset, request, view=view)
    serializer = serializer_class(page, many=True, context={"request": request, **(context or {})})
    return paginator.get_paginated_response(serializer.data)


# --- lists computed in one query and sorted by derived values --------------------------------------------------

ROW_CURSOR_SALT = "burnout_site.api.row-cursor"
# How many rows of the page a cursor remembers, nearest to the boundary first.
ROW_CURSOR_ANCHORS = 10


def paginated_rows_response(
    *,
    rows: Sequence[Row],
    anchor: Callable[[Row], int],
    serializer_class: type[BaseSerializer],
    request: Request,
) -> tuple[Response, list[Row]]:
    """Cursor pagination for rows sorted by aggregates (a psychologist's patients by negative share...).

    DRF's cursor filters on the first ordering column, which fails on nullable aggregates; these lists are
    built in one bounded query anyway, so the page is cut here. The signed cursor names the rows next to
    the page boundary: the next page starts after the nearest of them still listed, so rows added or
    removed elsewhere do not shift or repeat the page, as with DRF's cursors.
    Returns the response and the rows on the page (what the caller audits as read).
    """
    size = ApiCursorPagination(()).get_page_size(request)
    start = _row_cursor_start(rows, anchor, request.query_params.get("cursor"), size)
    page = list(rows[start : start + size])
    ids = [anchor(row) for row in page]
    has_next, has_previous = start + size < len(rows), start > 0
    links = {
        "next": _row_cursor_link(request, ids[::-1], start + size, forward=True) if has_next else None,
        "previous": _row_cursor_link(request, ids, start, forward=False) if has_previous else None,
    }
    data = serializer_class(page, many=True, context={"request": request}).data
    return Response({**links, "results": data}), page


def _row_cursor_start(rows: Sequence[Row], anchor: Callable[[Row], int], cursor: str | None, size: int) -> int:
    if cursor is None:
        return 0
    try:
        payload = signing.Signer(salt=ROW_CURSOR_SALT).unsign_object(cursor)
        anchors, position, forward = [int(a) for a in payload["a"]], int(payload["p"]), bool(payload["f"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise serializers.ValidationError({"cursor": [CURSOR_INVALID_MESSAGE]}) from None
    index_of = {anchor(row): index for index, row in enumerate(rows)}
    boundary = next((index_of[a] for a in anchors if a in index_of), None)
    if forward:
        start = position if boundary is None else boundary + 1
    else:
        start = (position if boundary is None else boundary) - size
    return max(0, min(start, len(rows)))


def _row_cursor_link(request: Request, anchors: list[int], position: int, *, forward: bool) -> str:
    payload = {"a": anchors[:ROW_CURSOR_ANCHORS], "p": position, "f": forward}
    cursor = signing.Signer(salt=ROW_CURSOR_SALT).sign_object(payload)
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor)


PAGINATION_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Opaque position from a previous page's `next` or `previous` link.",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Items per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
    ),
]


def paginated(serializer_class: type[BaseSerializer], name: str) -> BaseSerializer:
    """The schema of one page of `serializer_class` items."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last one."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first."),
            "results": serializer_class(many=True),
        },
    )
