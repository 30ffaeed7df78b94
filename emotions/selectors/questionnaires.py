"""Reads of a person's questionnaire answers (Copenhagen Burnout Inventory, personal burnout)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from emotions.models import QuestionnaireResponse

if TYPE_CHECKING:
    from accounts.models import User


def questionnaire_cbi_list(*, user: User) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(
        user=user, instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL
    ).order_by("-at", "-id")


def questionnaire_cbi_latest(*, user: User) -> QuestionnaireResponse | None:
    return questionnaire_cbi_list(user=user).first()


def questionnaire_cbi_due(*, user: User, now: datetime | None = None) -> bool:
    """The questionnaire is offered weekly: due when never answered or the last answer is 7 days old or more."""
    latest = questionnaire_cbi_latest(user=user)
    now = now or timezone.now()
    return latest is None or now - latest.at >= timedelta(days=settings.CBI_REMIND_AFTER_DAYS)
