"""django-q2 tasks: thin wrappers that take ids and call services.

The worker imports this module by the dotted names given to async_task and to the
schedules (emotions/migrations/0002_schedules.py); renaming a function breaks them.
"""

from __future__ import annotations

from accounts.models import User
from emotions import services
from emotions.heartbeat import worker_heartbeat_record
from emotions.models import PhotoAssessment


def analyze_assessment(assessment_id: int) -> int | None:
    """Analyse one uploaded photo. Returns the id (hooks read it from task.result), None if the row is gone."""
    if not PhotoAssessment.objects.filter(pk=assessment_id).exists():
        return None  # erased between upload and analysis: nothing to do
    services.assessment_analyze(assessment_id=assessment_id)
    return assessment_id


def purge_expired_photos() -> int:
    """Daily: delete raw photos whose retention period (PHOTO_RETENTION_DAYS) is over."""
    return services.photo_purge_expired()


def requeue_stalled_analyses() -> int:
    """Every minute: queue again the analyses whose worker or broker lost them; fail those out of attempts."""
    return services.assessment_requeue_stalled()


def fail_stale_assessments() -> int:
    """Hourly: end the assessments whose analysis task was lost, with a message for the person."""
    return services.assessment_fail_stale()


def evaluate_burnout_flags() -> int:
    """Daily: raise or clear everyone's burnout flags; returns how many flags were raised."""
    return services.burnout_flag_evaluate_all()


def send_email_notifications() -> int:
    """Every few minutes (schedule in migrations/0015): due daily reminders and weekly digests by e-mail."""
    # Imported here: the digest sweep pulls in the chart module, which only the worker needs.
    from emotions.services.email_notifications import email_digests_send, email_reminders_send

    return email_reminders_send() + email_digests_send()


def evaluate_person_burnout_flags(user_id: int) -> int | None:
    """Right after a new reading, mood rating or answer: the person's flags; None if they are gone."""
    services.burnout_evaluation_started(user_id=user_id)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None  # erased since: nothing to evaluate
    return len(services.burnout_flag_evaluate(user=user))


def worker_heartbeat() -> str:
    """Every minute: load the model in this worker and record it for /health/ (emotions/heartbeat.py)."""
    beat = worker_heartbeat_record()
    return beat.model_version or beat.model_error
