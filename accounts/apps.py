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
