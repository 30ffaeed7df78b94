"""bench_portal prints its figures and leaves the database as it found it (timings are not asserted)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import CareLink, User
from emotions.models import PhotoAssessment

pytestmark = pytest.mark.django_db


def test_bench_portal_reports_timings_and_rolls_back(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("bench_portal", "--patients", "3", "--photos", "2", "--requests", "2")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["patients"] == 3 and result["p95_ms"] >= result["p50_ms"] > 0
    assert result["queries"] > 0
    assert not User.objects.exists() and not CareLink.objects.exists() and not PhotoAssessment.objects.exists()


def test_bench_portal_rejects_non_positive_sizes() -> None:
    with pytest.raises(CommandError, match="must be positive") as error:
        call_command("bench_portal", "--patients", "0")
    assert error.value.returncode == 2
