"""bench_report prints its figures and leaves the database as it found it (timings are not asserted)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent, CareLink, User
from emotions.models import PhotoAssessment

pytestmark = pytest.mark.django_db


def test_bench_report_prints_json_and_rolls_back(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("bench_report", "--days", "14", "--photos-per-day", "2", "--runs", "1")

    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["days"] == 14 and result["runs"] == 1
    assert result["seconds_max"] >= result["seconds_p50"] > 0
    assert 1 <= result["pages"] <= 2 and result["bytes"] > 1000
    assert not User.objects.exists() and not CareLink.objects.exists() and not PhotoAssessment.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("args", [["--days", "400"], ["--runs", "0"]])
def test_bench_report_refuses_bad_sizes(args: list[str]) -> None:
    with pytest.raises(CommandError) as error:
        call_command("bench_report", *args)
    assert error.value.returncode == 2
