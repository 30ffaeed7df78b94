"""The API's side of "may this psychologist see patients' data": the rule's refusal as a 403."""

from __future__ import annotations

from rest_framework.request import Request

from burnout_site.api.authentication import DeviceTokenAuthentication, token_is_otp_verified

from ..selectors import psychologist_patient_data_access


def require_patient_data_access(request: Request) -> None:
    """`psychologist_patient_data_access` for the API: its refusal is raised (every one of its codes is a 403).

    A second factor is proved by the device token (issued after a code) or, for a browser session, by
    the session itself.
    """
    user = request.user
    if isinstance(request.successful_authenticator, DeviceTokenAuthentication):
        otp_verified = token_is_otp_verified(request.auth)
    else:
        is_verified = getattr(user, "is_verified", None)
        otp_verified = bool(is_verified and is_verified())
    refusal = psychologist_patient_data_access(user=user, otp_verified=otp_verified).refusal
    if refusal is not None:
        raise refusal
