"""bench_dashboard prints its figures and leaves the database as it found it (timings are not asserted)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from emotions.factor_models import FactorTag
from emotions.models import PhotoAssessment, QuestionnaireResponse, SelfReport

pytestmark = pytest.mark.django_db


def test_bench_dashboard_reports_timings_and_rolls_back(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("bench_dashboard", "--days", "10", "--requests", "2", "--period", "30")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["days"] == 10 and result["period"] == 30
    assert result["p95_ms"] >= result["p50_ms"] > 0 and result["queries"] > 0
    for model in (User, PhotoAssessment, SelfReport, QuestionnaireResponse, FactorTag):
        assert not model.objects.exists(), model


def test_bench_dashboard_rejects_non_positive_sizes() -> None:
    with pytest.raises(CommandError, match="must be positive") as error:
        call_command("bench_dashboard", "--days", "0")
    assert error.value.returncode == 2
