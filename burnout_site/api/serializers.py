"""The base of every API input serializer: it accepts what the OpenAPI schema says, no more.

DRF bends two rules for HTML forms that an API should not. An empty value of an optional field in a query
string or a form body (`?to=`, `timezone=`) counts as "not sent", although the schema calls the field a date,
a choice or a text of at least one character; and a text field turns a JSON number into text, although the
schema says `string`. A client (or a fuzzer) that trusts the schema would be told one thing and see another.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html


class ApiInputSerializer(serializers.Serializer):
    """A request's body or query parameters, validated exactly as documented."""

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, Any] = {}
        for field in self._writable_fields:
            try:
                _check_as_documented(field, data)
            except serializers.ValidationError as exc:
                errors[field.field_name] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _check_as_documented(field: serializers.Field, data: Any) -> None:
    if html.is_html_input(data):
        # DRF would skip the field; the field's own validation says why "" is not a value of it
        # ("Date has wrong format...", "This field may not be blank.", '"" is not a valid choice.').
        if (
            data.get(field.field_name) == ""
            and not field.required
            and not field.allow_null
            and not getattr(field, "allow_blank", False)
        ):
            field.run_validation("")
    elif isinstance(data, Mapping) and isinstance(field, serializers.CharField):
        value = data.get(field.field_name, empty)
        if value is not empty and value is not None and not isinstance(value, str):
            field.fail("invalid")  # "Not a valid string.": a number is not text
