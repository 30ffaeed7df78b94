"""The periodic jobs of the emotions app, as django-q2 schedules.

A data migration (not a management command) so that every install, test database
included, has them without a manual step. update_or_create by name: re-running or
editing keeps one row per job and leaves a staff member's changes to other fields alone.
"""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # name, func, schedule_type (django-q2: "H" hourly, "D" daily)
    ("emotions: purge expired photos", "emotions.tasks.purge_expired_photos", "D"),
    ("emotions: fail stale assessments", "emotions.tasks.fail_stale_assessments", "H"),
]


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": schedule_type, "repeats": -1},
            create_defaults={
                "func": func,
                "schedule_type": schedule_type,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )


def delete_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, _func, _type in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emotions", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
