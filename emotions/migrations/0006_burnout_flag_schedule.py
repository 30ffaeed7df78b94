"""The daily burnout-flag evaluation as a django-q2 schedule (see 0002_schedules for the pattern)."""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

NAME = "emotions: evaluate burnout flags"
FUNC = "emotions.tasks.evaluate_burnout_flags"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "D", "repeats": -1},
        create_defaults={"func": FUNC, "schedule_type": "D", "repeats": -1, "next_run": timezone.now()},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("emotions", "0005_burnout_flags")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
