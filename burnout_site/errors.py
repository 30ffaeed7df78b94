"""The one domain error: a refusal the person is meant to read, shared by every app's services.

Each code declares once, in `REFUSALS`, the HTTP status it answers with (and, where the API names it
differently, its public code); the API's exception handler (burnout_site/api/exceptions.py) and the web
helpers `refusal_page`/`add_refusal` (accounts/views/common.py) read this table, so no view chooses a status by hand.
`ValidationError` stays for form and field validation only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RefusalKind:
    """How a code answers: `status` over HTTP; `api_code` when the API's documented code differs."""

    status: int
    api_code: str | None = None


# The codes as docs/api.md documents them (tests/api/test_refusals.py checks every row through the handler).
# Codes that only the bot uses answer 400 like any other refused input, should they ever reach a page.
REFUSALS: dict[str, RefusalKind] = {
    # 400: the input is refused
    "invalid": RefusalKind(400),
    "wrong_password": RefusalKind(400),
    "wrong_code": RefusalKind(400),
    "unknown_code": RefusalKind(400),
    "not_connected": RefusalKind(400),
    "already_saved": RefusalKind(400),
    "already_confirmed": RefusalKind(400),
    "reset_link_invalid": RefusalKind(400),
    # the device-token request (accounts/apis/auth.py): a missing two-factor code there is input to send again
    # (400), while `otp_required` proper is a signed-in step still missing (403); docs/api.md lists both
    "invalid_credentials": RefusalKind(400),
    "otp_code_missing": RefusalKind(400, api_code="otp_required"),
    "otp_invalid": RefusalKind(400),
    # photo rejections (emotions/photos.py)
    "empty": RefusalKind(400),
    "too_large": RefusalKind(400),
    "too_small": RefusalKind(400),
    "too_long_side": RefusalKind(400),
    "too_many_pixels": RefusalKind(400),
    "not_an_image": RefusalKind(400),
    "unsupported_format": RefusalKind(400),
    "damaged": RefusalKind(400),
    "cannot_reencode": RefusalKind(400),
    # the bot's own refusals (telegram_bridge/services.py)
    "unknown": RefusalKind(400),
    "used": RefusalKind(400),
    "expired": RefusalKind(410),
    "answered": RefusalKind(400),
    # 403: not for this account, or a step is missing
    "consent_required": RefusalKind(403),
    "not_patient": RefusalKind(403),
    "not_psychologist": RefusalKind(403),
    "psychologists_only": RefusalKind(403),
    "psychologist_not_verified": RefusalKind(403),
    "otp_setup_required": RefusalKind(403),
    "otp_required": RefusalKind(403),
    # 404: not yours, so it does not exist for you
    "not_found": RefusalKind(404),
    "assessment_not_found": RefusalKind(404, api_code="not_found"),
    # 409: the state has moved on
    "pending": RefusalKind(409),
    "outdated": RefusalKind(409),
    "already_granted": RefusalKind(409),
    "not_granted": RefusalKind(409),
    "already_linked": RefusalKind(409),
    "not_active": RefusalKind(409),
    # "Was this right?" about a photo that has no reading (no face, failed): emotions/services/feedback.py
    "not_analysed": RefusalKind(409),
    # 429
    "throttled": RefusalKind(429),
    "locked_out": RefusalKind(429),
    # 503: nothing can be accepted yet
    "consent_unavailable": RefusalKind(503),
    "storage_unavailable": RefusalKind(503),  # the file store is down (burnout_site/storage.py)
}


class Refusal(Exception):
    """Something a service will not do: `message` is translated and meant for the person, `code` names the case
    for the API's error body, the bot's branches and the tests (its status is in `REFUSALS`).

    `field` is the input the refusal is about (the API lists the message under it); `extra` adds keys beside
    code and message in the API's error body (e.g. the consent `document` to show). A subclass may set a
    default `field` for all its refusals.
    """

    field: str | None = None

    def __init__(
        self, code: str, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if field is not None:
            self.field = field
        self.extra = extra or {}

    @property
    def declared(self) -> RefusalKind:
        # A code missing from the table is a programming error: KeyError here, a logged 500 in the API.
        return REFUSALS[self.code]

    @property
    def status(self) -> int:
        return self.declared.status

    @property
    def api_code(self) -> str:
        return self.declared.api_code or self.code
