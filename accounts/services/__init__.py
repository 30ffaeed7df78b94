"""Writes on accounts: every change to a User goes through here, whatever the channel.

One module per concern; this package re-exports what the other apps and the tests import, so
`from accounts.services import ...` keeps working. New code may import from the module itself.
"""

from __future__ import annotations

from burnout_site.queue import task_queue_forget

from .audit import audit_record, audit_record_many
from .care import (
    CODE_UNKNOWN_MESSAGE,
    PATIENTS_ONLY_MESSAGE,
    care_link_alias_set,
    care_link_categories_set,
    care_link_create,
    care_link_end,
    care_link_revoke,
    sharing_categories_clean,
)
from .consent import CONSENT_REQUIRED_MESSAGE, ConsentRequired, consent_grant, consent_require, consent_withdraw
from .erasure import user_erase, user_erase_confirmed
from .export import (
    EXPORT_TASK,
    ExportLinkExpired,
    _export_sections,
    data_export_build,
    data_export_open,
    data_export_purge_expired,
    data_export_request,
    data_export_token,
)
from .otp import OTP_WRONG_CODE_MESSAGE, otp_device_confirm, otp_device_for_setup
from .psychologists import psychologist_alert_channel_set, psychologist_profile_save, psychologist_verify
from .users import EMAIL_TAKEN_MESSAGE, user_create, user_password_changed, user_profile_update

__all__ = [
    "CODE_UNKNOWN_MESSAGE",
    "CONSENT_REQUIRED_MESSAGE",
    "EMAIL_TAKEN_MESSAGE",
    "EXPORT_TASK",
    "OTP_WRONG_CODE_MESSAGE",
    "PATIENTS_ONLY_MESSAGE",
    "ConsentRequired",
    "ExportLinkExpired",
    "_export_sections",
    "audit_record",
    "audit_record_many",
    "care_link_alias_set",
    "care_link_categories_set",
    "care_link_create",
    "care_link_end",
    "care_link_revoke",
    "consent_grant",
    "consent_require",
    "consent_withdraw",
    "data_export_build",
    "data_export_open",
    "data_export_purge_expired",
    "data_export_request",
    "data_export_token",
    "otp_device_confirm",
    "otp_device_for_setup",
    "psychologist_alert_channel_set",
    "psychologist_profile_save",
    "psychologist_verify",
    "sharing_categories_clean",
    "task_queue_forget",
    "user_create",
    "user_erase",
    "user_erase_confirmed",
    "user_password_changed",
    "user_profile_update",
]
