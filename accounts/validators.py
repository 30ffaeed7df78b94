"""Validators shared by the account forms and services."""

from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TIMEZONE_INVALID_MESSAGE = _("“%(value)s” is not a known time zone.")
LANGUAGE_INVALID_MESSAGE = _("“%(value)s” is not an available language.")


@functools.cache
def timezone_names() -> frozenset[str]:
    """The IANA names this machine can load; cached because the lookup walks the tz database on disk."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    # Only names ZoneInfo can load are accepted, so daily aggregation never meets a zone it cannot build.
    if value not in timezone_names():
        raise ValidationError(TIMEZONE_INVALID_MESSAGE, code="invalid_timezone", params={"value": value})


def validate_language(value: str) -> None:
    # Empty means "not chosen, follow the browser"; anything else must be a language we ship.
    if value and value not in dict(settings.LANGUAGES):
        raise ValidationError(LANGUAGE_INVALID_MESSAGE, code="invalid_language", params={"value": value})
