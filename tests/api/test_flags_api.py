"""GET /api/v1/flags/: the caller's own open burnout flags (rule, raised_at, value), and bad input refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from emotions.models import BurnoutFlag
from tests.api.conftest import assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/flags/"


def _flag(user: User, rule: str, *, value: float, days_ago: int, cleared: bool = False) -> BurnoutFlag:
    at = timezone.now() - timedelta(days=days_ago)
    return BurnoutFlag.objects.create(
        user=user, rule=rule, raised_at=at, value=value, cleared_at=at if cleared else None
    )


def test_lists_only_the_callers_open_flags(patient_api: APIClient, user: User) -> None:
    cbi = _flag(user, "cbi", value=75, days_ago=1)
    baseline = _flag(user, "baseline_rise", value=0.25, days_ago=3)
    _flag(user, "rise", value=0.3, days_ago=40, cleared=True)  # an episode that ended
    _flag(UserFactory(), "negative_share", value=0.8, days_ago=1)  # someone else's

    body = patient_api.get(FLAGS).json()

    assert [(row["id"], row["rule"], row["value"]) for row in body["results"]] == [
        (cbi.pk, "cbi", 75.0),
        (baseline.pk, "baseline_rise", 0.25),
    ]
    assert body["results"][1]["rule_display"] == "Rise against the personal baseline"
    assert body["results"][0]["raised_at"] == cbi.raised_at.isoformat().replace("+00:00", "Z")


def test_rule_names_in_russian(patient_api: APIClient, user: User) -> None:
    _flag(user, "baseline_rise", value=0.25, days_ago=3)

    [row] = patient_api.get(FLAGS, HTTP_ACCEPT_LANGUAGE="ru").json()["results"]

    assert row["rule_display"] == "Рост относительно личной нормы"


def test_no_flags_is_an_empty_list(patient_api: APIClient) -> None:
    assert patient_api.get(FLAGS).json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field", "message", "russian"),
    [
        (
            {"cursor": "garbage"},
            "cursor",
            "This page link is not valid. Start again from the first page.",
            "Ссылка на эту страницу недействительна. Начните снова с первой страницы.",  # noqa: RUF001
        ),
        (
            {"page_size": "0"},
            "page_size",
            "Ask for between 1 and 100 items per page.",
            "Запрашивайте от 1 до 100 элементов на страницу.",
        ),
    ],
)
def test_bad_parameters_are_refused(
    patient_api: APIClient, user: User, params: dict, field: str, message: str, russian: str
) -> None:
    _flag(user, "cbi", value=75, days_ago=1)

    error = assert_error(patient_api.get(FLAGS, params), 400, "invalid", message)
    assert error["fields"] == {field: [message]}
    assert_error(patient_api.get(FLAGS, params, HTTP_ACCEPT_LANGUAGE="ru"), 400, "invalid", russian)
    assert BurnoutFlag.objects.filter(user=user, cleared_at=None).count() == 1  # nothing lost


def test_signed_out_and_other_methods_are_refused(api: APIClient, patient_api: APIClient) -> None:
    assert_error(api.get(FLAGS), 401, "not_authenticated", "Authentication credentials were not provided.")
    assert_error(patient_api.post(FLAGS, {}), 405, "method_not_allowed", 'Method "POST" not allowed.')
    assert_error(
        patient_api.delete(FLAGS, HTTP_ACCEPT_LANGUAGE="ru"), 405, "method_not_allowed", 'Метод "DELETE" не разрешен.'
    )
