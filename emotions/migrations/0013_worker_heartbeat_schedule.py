"""The every-minute worker heartbeat that /health/ reads (emotions/heartbeat.py; the pattern of 0002_schedules)."""

from django.db import migrations
from django.utils import timezone

HEARTBEAT = {
    "name": "emotions: worker heartbeat",
    "func": "emotions.tasks.worker_heartbeat",
    "schedule_type": "I",
    "minutes": 1,
    "repeats": -1,
}


def forward(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    defaults = {key: value for key, value in HEARTBEAT.items() if key != "name"}
    Schedule.objects.update_or_create(
        name=HEARTBEAT["name"], defaults=defaults, create_defaults={**defaults, "next_run": timezone.now()}
    )


def backward(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=HEARTBEAT["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emotions", "0012_confidence"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forward, backward)]
