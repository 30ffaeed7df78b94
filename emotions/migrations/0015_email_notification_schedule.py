"""The e-mail reminders and digests sweep as a django-q2 schedule, every 5 minutes (as telegram_bridge 0002, 0007)."""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

NAME = "emotions: send e-mail reminders and digests"
FUNC = "emotions.tasks.send_email_notifications"
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
        ("emotions", "0014_email_notifications"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
