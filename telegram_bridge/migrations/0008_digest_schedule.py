"""The weekly digest sweep as a django-q2 schedule, every 5 minutes (the pattern of 0002_reminder_schedule)."""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

NAME = "telegram: send weekly digests"
FUNC = "telegram_bridge.tasks.send_digests"
DEFAULTS = {"func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1}


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME, defaults=DEFAULTS, create_defaults={**DEFAULTS, "next_run": timezone.now()}
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("telegram_bridge", "0007_weekly_digest"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
