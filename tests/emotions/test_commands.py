"""analyze_photo (JSON on stdout, exit 2 on bad input) and seed_demo (idempotent demo data)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import User
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from tests.emotions import images


def analyze(path: Path) -> dict:
    out = io.StringIO()
    call_command("analyze_photo", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "one JSON object on one line"
    return json.loads(lines[0])


def test_analyze_photo_prints_the_analysis(tmp_path: Path) -> None:
    path = tmp_path / "astronaut.jpg"
    path.write_bytes(images.astronaut_jpeg())

    result = analyze(path)

    assert set(result) == {
        "faces_found",
        "face_box",
        "label",
        "valence",
        "negativity",
        "probabilities",
        "model_version",
        "elapsed_ms",
        "confidence",  # added with the calibrated model: the label's calibrated probability
    }
    assert result["faces_found"] >= 1
    assert len(result["face_box"]) == 4
    assert list(result["probabilities"]) == list(CLASSES)
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert result["label"] in CLASSES
    assert result["valence"] in {"positive", "neutral", "negative"}
    assert 0.0 <= result["negativity"] <= 1.0
    assert result["model_version"]
    assert result["elapsed_ms"] > 0
    assert 0.0 <= result["confidence"] <= 1.0
    assert result["confidence"] == pytest.approx(max(result["probabilities"].values()), abs=1e-6)


def test_analyze_photo_without_a_face(tmp_path: Path) -> None:
    path = tmp_path / "gradient.jpg"
    path.write_bytes(images.gradient_jpeg())
    result = analyze(path)
    assert result["faces_found"] == 0
    assert result["label"] is None and result["probabilities"] is None and result["face_box"] is None


def test_analyze_photo_missing_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        call_command("analyze_photo", str(tmp_path / "nope.jpg"))
    assert info.value.returncode == 2
    assert "no such file" in str(info.value)


def test_analyze_photo_non_image_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("not an image\n")
    with pytest.raises(CommandError) as info:
        call_command("analyze_photo", str(path))
    assert info.value.returncode == 2
    assert "not a picture we can read" in str(info.value)


def test_analyze_photo_exit_status_and_stderr_from_the_shell(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("not an image\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "burnout_site.test_settings"}
    for target in (path, tmp_path / "missing.jpg"):
        result = subprocess.run(
            [sys.executable, "manage.py", "analyze_photo", str(target)],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_plausible() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Password: " in out.getvalue()
    demo = User.objects.get(username="demo")
    first = PhotoAssessment.objects.filter(user=demo).count()
    assert 90 <= first <= 360

    out = io.StringIO()
    call_command("seed_demo", "--password", "another-demo-pass-77", stdout=out)
    assert "Password: " not in out.getvalue()
    assert User.objects.filter(username="demo").count() == 1
    demo.refresh_from_db()
    assert demo.check_password("another-demo-pass-77")
    rows = list(PhotoAssessment.objects.filter(user=demo))
    assert len(rows) == first  # same seed, same data, no duplicates

    days = {row.captured_at.date() for row in rows}
    assert len(days) == 90
    for row in rows:
        assert row.is_demo and row.model_version == "demo" and row.status == "done"
        assert sum(row.probabilities.values()) == pytest.approx(1.0)
        assert row.label == max(row.probabilities, key=row.probabilities.get)
        negative = sum(row.probabilities[name] for name in ("angry", "disgust", "fear", "sad"))
        assert row.negativity == pytest.approx(negative)

    # Rising then falling: the middle third is more negative than either end.
    rows.sort(key=lambda row: row.captured_at)
    third = len(rows) // 3

    def share(part: list[PhotoAssessment]) -> float:
        return sum(row.valence == "negative" for row in part) / len(part)

    assert share(rows[third : 2 * third]) > share(rows[:third]) + 0.1
    assert share(rows[third : 2 * third]) > share(rows[2 * third :]) + 0.1


@pytest.mark.django_db
def test_seed_demo_keeps_real_rows(user: User) -> None:
    call_command("seed_demo", "--username", user.username, "--days", "5", stdout=io.StringIO())
    real = PhotoAssessment.objects.create(user=user, status="pending")
    call_command("seed_demo", "--username", user.username, "--days", "5", stdout=io.StringIO())
    assert PhotoAssessment.objects.filter(pk=real.pk).exists()
    assert PhotoAssessment.objects.filter(user=user, is_demo=True).count() >= 5


@pytest.mark.django_db
def test_seed_demo_adds_mood_questionnaires_consents_and_a_psychologist() -> None:
    from accounts.models import CareLink, ConsentKind
    from accounts.selectors import consent_is_active
    from emotions.models import QuestionnaireResponse, SelfReport
    from emotions.selectors import mood_correlation_compute, pilot_report_build

    for _run in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    demo = User.objects.get(username="demo")
    reports = SelfReport.objects.filter(user=demo)
    assert reports.count() >= 30 and all(report.assessment_id for report in reports)
    assert QuestionnaireResponse.objects.filter(user=demo).count() == 13  # weekly over 90 days
    assert consent_is_active(user=demo, kind=ConsentKind.RESEARCH)
    link = CareLink.objects.get(patient=demo, status="active")
    assert link.psychologist.username == "demo-psychologist" and link.psychologist.psychologist_profile.verified_at
    # Lower mood on more negative photos: the correlation the dashboard and the pilot report show.
    correlation = mood_correlation_compute(user=demo)
    assert correlation.n >= 30 and correlation.rho < -0.3
    assert pilot_report_build()["users"] == 1
