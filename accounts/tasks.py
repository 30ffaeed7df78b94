"""django-q2 tasks of the accounts app: thin wrappers that take ids and call services.

The dotted names are stored in queued tasks and in the schedule (migration 0004): renaming breaks them.
"""

from __future__ import annotations

from accounts import services
from accounts.models import DataExport, User
from accounts.services.mail import user_mail_send
from accounts.services.password_reset import password_reset_email_send


def build_data_export(export_id: int) -> int | None:
    """Build one "Download my data" archive; None when the export (or its account) is gone."""
    if not DataExport.objects.filter(pk=export_id).exists():
        return None
    services.data_export_build(export_id=export_id)
    return export_id


def purge_expired_exports() -> int:
    """Daily: delete archives whose download link has expired."""
    return services.data_export_purge_expired()


def send_password_reset_email(user_id: int, language: str = "") -> bool:
    """The reset link for one account (asked for on the web page or the API); False when the account is gone."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user is not None and password_reset_email_send(user=user, language=language)


def send_recovery_code_used_email(user_id: int, codes_left: int) -> bool:
    """Tell the person a two-factor recovery code of theirs was just used; False when the account is gone."""
    user = User.objects.filter(pk=user_id).first()
    return user is not None and user_mail_send(
        user=user, template="recovery_code_used", context={"codes_left": codes_left}
    )
