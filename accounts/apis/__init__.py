"""REST API of the accounts app: sign-up, device tokens, the person's own account, consents, sharing, export.

Views only route: Input serializers check the shape, services decide and write, Output serializers answer.
Routes are in burnout_site/api_urls.py; usage in docs/api.md. One module per concern; this package
re-exports the views the routes name and `require_patient_data_access`, which emotions' APIs use.
"""

from __future__ import annotations

from .access import require_patient_data_access
from .auth import LogoutAllApi, LogoutApi, MeApi, RegisterApi, TokenApi
from .consents import ConsentApi
from .devices import TokenListApi, TokenRevokeApi
from .export import ExportDetailApi, ExportDownloadApi, ExportRequestApi
from .password import PasswordChangeApi, PasswordResetApi, PasswordResetConfirmApi
from .psychologists import PsychologistProfileApi, TwoFactorApi
from .sharing import CareLinkDetailApi, CareLinkListApi, CareLinkRevokeApi, PsychologistLookupApi

__all__ = [
    "CareLinkDetailApi",
    "CareLinkListApi",
    "CareLinkRevokeApi",
    "ConsentApi",
    "ExportDetailApi",
    "ExportDownloadApi",
    "ExportRequestApi",
    "LogoutAllApi",
    "LogoutApi",
    "MeApi",
    "PasswordChangeApi",
    "PasswordResetApi",
    "PasswordResetConfirmApi",
    "PsychologistLookupApi",
    "PsychologistProfileApi",
    "RegisterApi",
    "TokenApi",
    "TokenListApi",
    "TokenRevokeApi",
    "TwoFactorApi",
    "require_patient_data_access",
]
