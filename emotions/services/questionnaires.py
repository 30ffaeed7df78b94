"""Questionnaires: the Copenhagen Burnout Inventory, personal burnout scale (scoring and storing answers)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal
from emotions.models import CBI_ANSWER_POINTS, CBI_ITEM_KEYS, QuestionnaireResponse
from emotions.services.burnout import burnout_flag_evaluate_soon

if TYPE_CHECKING:
    from accounts.models import User


def questionnaire_cbi_score(*, answers: dict[str, str]) -> float:
    """The scale score: the mean of the six items' points (100/75/50/25/0). Every item must be answered."""
    missing = [item for item in CBI_ITEM_KEYS if item not in answers]
    unknown = [key for key in answers if key not in CBI_ITEM_KEYS]
    bad = [item for item in CBI_ITEM_KEYS if item in answers and answers[item] not in CBI_ANSWER_POINTS]
    if missing or unknown or bad:
        raise QuestionnaireRejected("invalid", _("Please answer every question with one of the offered answers."))
    return sum(CBI_ANSWER_POINTS[answers[item]] for item in CBI_ITEM_KEYS) / len(CBI_ITEM_KEYS)


class QuestionnaireRejected(Refusal):
    """Answers that do not make a questionnaire (a missing or unknown answer)."""

    field = "answers"


@transaction.atomic
def questionnaire_cbi_create(
    *, user: User, answers: dict[str, str], at: datetime | None = None, is_demo: bool = False
) -> QuestionnaireResponse:
    score = questionnaire_cbi_score(answers=answers)
    response = QuestionnaireResponse(
        user=user,
        instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL,
        answers={item: answers[item] for item in CBI_ITEM_KEYS},
        score=score,
        at=at or timezone.now(),
        is_demo=is_demo,
    )
    response.full_clean()
    response.save()
    burnout_flag_evaluate_soon(user_id=user.pk)
    return response


def questionnaire_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {"id": row.pk, "instrument": row.instrument, "at": row.at, "score": row.score, "answers": row.answers}
        for row in QuestionnaireResponse.objects.filter(user=user).order_by("at", "id")
    ]


def questionnaire_erase_for_user(*, user: User) -> None:
    QuestionnaireResponse.objects.filter(user=user).delete()
