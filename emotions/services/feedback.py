""" "Was this right?": the person's own label for one of their finished readings (one per reading, changeable).

Every channel (web buttons, bot buttons, the API) sets and withdraws it through these two calls, so the
refusals are said once: someone else's photo is the same 404 as a missing one, a photo without a reading
(still being analysed, or failed) is a 409, and an emotion outside the seven classes is a 400 naming them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel
from burnout_site.errors import Refusal
from emotions.ml.labels import CLASSES
from emotions.models import AssessmentFeedback, PhotoAssessment

if TYPE_CHECKING:
    from accounts.models import User

FEEDBACK_NOT_FOUND = _("No such photo among yours.")
FEEDBACK_PENDING = _("This photo is still being analysed: you can say whether the reading was right once it is ready.")
FEEDBACK_NOT_ANALYSED = _("This photo has no reading to check: it could not be analysed.")
FEEDBACK_UNKNOWN_LABEL = _("Unknown emotion “%(label)s”. Choose one of: %(allowed)s.")


class FeedbackRejected(Refusal):
    """Feedback we will not store or withdraw (`field` is "label" for an emotion we do not know)."""


def _feedback_label_check(label: object) -> str:
    if not isinstance(label, str) or label not in CLASSES:
        # Quoted back as typed (shortened): the person sees what was refused and the words that would do.
        shown = str(label)[:40] if label is not None else ""
        message = FEEDBACK_UNKNOWN_LABEL % {"label": shown, "allowed": ", ".join(CLASSES)}
        raise FeedbackRejected("invalid", str(message), field="label")
    return label


def _own_assessment_locked(*, user: User, assessment_id: int) -> PhotoAssessment:
    """The person's own assessment, locked so that two answers at once are applied one after the other."""
    row = PhotoAssessment.objects.select_for_update().filter(user=user, pk=assessment_id).first()
    if row is None:
        raise FeedbackRejected("assessment_not_found", str(FEEDBACK_NOT_FOUND))
    return row


@transaction.atomic
def assessment_feedback_set(
    *, user: User, assessment_id: int, label: object, source: str = Channel.WEB
) -> AssessmentFeedback:
    """Store (or change) the emotion the person says their photo shows; the reading's own label means "right"."""
    checked = _feedback_label_check(label)
    assessment = _own_assessment_locked(user=user, assessment_id=assessment_id)
    if assessment.status == PhotoAssessment.Status.PENDING:
        raise FeedbackRejected("pending", str(FEEDBACK_PENDING))
    if assessment.status != PhotoAssessment.Status.DONE or not assessment.label:
        raise FeedbackRejected("not_analysed", str(FEEDBACK_NOT_ANALYSED))
    feedback = AssessmentFeedback.objects.filter(assessment=assessment).first() or AssessmentFeedback(
        assessment=assessment
    )
    feedback.user = user
    feedback.label = checked
    # The reading as the person sees it now: a change of answer after a re-scoring judges the new reading.
    feedback.model_label = assessment.label
    feedback.source = source
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def assessment_feedback_withdraw(*, user: User, assessment_id: int) -> bool:
    """Forget the person's answer about their photo; False when there was none (withdrawing twice is no error)."""
    assessment = _own_assessment_locked(user=user, assessment_id=assessment_id)
    deleted, _per_model = AssessmentFeedback.objects.filter(assessment=assessment).delete()
    return deleted > 0


def assessment_feedback_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {
            "assessment_id": row.assessment_id,
            "label": row.label,
            "model_label": row.model_label,
            "agrees": row.agrees,
            "source": row.source,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
        for row in AssessmentFeedback.objects.filter(user=user).order_by("created_at", "id")
    ]


def assessment_feedback_erase_for_user(*, user: User) -> None:
    AssessmentFeedback.objects.filter(user=user).delete()
