"""What the account APIs share: the schema tags, and a service's ValidationError as the API's error."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from burnout_site.api.exceptions import ApiError

AUTH_TAG = "auth"
ACCOUNT_TAG = "account"
PRIVACY_TAG = "privacy"
SHARING_TAG = "sharing"


def service_error(exc: ValidationError, *, status_code: int = 400, field: str | None = None) -> ApiError:
    """A service's ValidationError with its own code, under `field` when it is about one input field."""
    messages = [str(message) for message in exc.messages]
    return ApiError(
        status_code=status_code,
        code=getattr(exc, "code", None) or "invalid",
        message=" ".join(messages),
        fields={field: messages} if field else None,
    )
