from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # A task that names a person and runs after their erasure (still queued on Redis) must leave no record.
        from django_q.signals import post_execute_in_worker

        from accounts.task_records import leave_no_record_of_gone_rows

        post_execute_in_worker.connect(leave_no_record_of_gone_rows, dispatch_uid="accounts.task_records")

        # Every API token gets its device row (the devices page lists those), wherever it was issued.
        from django.db.models.signals import post_save
        from knox.models import AuthToken

        post_save.connect(_token_device_for_new_token, sender=AuthToken, dispatch_uid="accounts.token_device")


def _token_device_for_new_token(sender: type, instance: object, created: bool, **kwargs: object) -> None:
    if created:
        from accounts.services.devices import token_device_ensure

        token_device_ensure(token=instance)
