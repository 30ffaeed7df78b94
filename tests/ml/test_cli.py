"""evaluate_emotion_model and bench_inference: the JSON their users script against, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import face_files


def run_json(*args: str, capsys: pytest.CaptureFixture[str]) -> dict:
    call_command(*args)
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_evaluate_crops_reports_every_field(class_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json("evaluate_emotion_model", str(class_folder), capsys=capsys)
    assert result["n"] == len(face_files())
    assert result["skipped"] == 1 and result["skipped_folders"] == {"contempt": 1}
    assert result["no_face"] == 0
    assert 0.5 <= result["accuracy"] <= 1.0
    assert len(result["confusion"]) == 7 and all(len(row) == 7 for row in result["confusion"])
    assert sum(map(sum, result["confusion"])) == result["n"]
    assert set(result["recall"]) == {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"}
    assert result["recall"]["disgust"] is None  # no disgust images: no recall, not zero
    assert result["model_version"].startswith("emotion-resnet-")
    # Calibration error of what the predictor returns (temperature applied) and of the same views without it.
    assert 0 <= result["ece"] <= 1 and 0 <= result["ece_uncalibrated"] <= 1
    assert result["temperature"] > 0 and result["temperature"] != 1.0


def test_evaluate_saves_the_predictions_the_report_draws(
    class_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from emotions.ml.evaluate import Predictions, evaluation_of

    saved = tmp_path / "predictions.npz"
    result = run_json("evaluate_emotion_model", str(class_folder), "--save-predictions", str(saved), capsys=capsys)
    again = evaluation_of(Predictions.load(saved)).as_dict()
    for key in ("accuracy", "ece", "ece_uncalibrated", "recall", "confusion", "model_version", "temperature"):
        assert again[key] == result[key], key


def test_evaluate_refuses_an_unwritable_predictions_path(class_folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "p.npz"
    with pytest.raises(CommandError, match="missing-folder") as error:
        call_command("evaluate_emotion_model", str(class_folder), "--limit", "2", "--save-predictions", str(target))
    assert error.value.returncode == 2


def test_evaluate_with_detection_counts_faceless_48px_crops_as_wrong(
    class_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_json("evaluate_emotion_model", str(class_folder), "--detect", "--limit", "5", capsys=capsys)
    assert result["n"] == 5
    # A 48 px crop is below the detector's minimum face size: no face, so wrong.
    assert result["no_face"] == 5 and result["accuracy"] == 0.0
    # No face found, so nothing to measure calibration on.
    assert result["ece"] is None and result["ece_uncalibrated"] is None


def test_evaluate_reads_tiff_and_palette_images(class_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    source = next((class_folder / "angry").iterdir())
    Image.open(source).save(class_folder / "angry" / "t.tiff")
    Image.open(source).convert("P").save(class_folder / "angry" / "p.png")
    result = run_json("evaluate_emotion_model", str(class_folder), capsys=capsys)
    assert result["n"] == len(face_files()) + 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root / "missing", "no such folder"),
        (lambda root: root, "holds no images"),
    ],
)
def test_evaluate_errors_exit_2(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(CommandError, match=message) as error:
        call_command("evaluate_emotion_model", str(make(tmp_path)))
    assert error.value.returncode == 2


def test_evaluate_unreadable_image_names_the_file(class_folder: Path) -> None:
    (class_folder / "sad" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(CommandError, match=r"cannot read image .*broken\.jpg") as error:
        call_command("evaluate_emotion_model", str(class_folder))
    assert error.value.returncode == 2


def test_bench_prints_one_json_line_with_stage_timings(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json("bench_inference", "--n", "4", "--size", "640x480", "--cores", "2", capsys=capsys)
    for key in (
        "photos_per_s",
        "p50_ms",
        "p95_ms",
        "decode_p50_ms",
        "detect_p50_ms",
        "crop_p50_ms",
        "classify_p50_ms",
        "batch_speedup",
        "batch_all_cores_faces_per_s",
        "batch_vs_single_photo",
        "batch_all_cores_vs_single_photo",
        "bulk_photos_per_s",
        "bulk_vs_single_photo",
        "rss_mb",
    ):
        assert result[key] >= 0, key
    for rate in (
        "photos_per_s",
        "network_gmac_per_s_one_core",
        "int8_matmul_gmac_per_s_one_core",
        "batch_faces_per_s",
        "batch_all_cores_faces_per_s",
        "bulk_photos_per_s",
    ):
        assert result[rate] > 0, rate
    assert result["faces_found_share"] > 0
    assert result["cores"] == 2


def test_bench_rejects_zero_cores() -> None:
    with pytest.raises(CommandError, match="--n and --cores must be positive") as error:
        call_command("bench_inference", "--cores", "0")
    assert error.value.returncode == 2


def test_bench_rejects_a_bad_size() -> None:
    with pytest.raises(CommandError, match="1280x960") as error:
        call_command("bench_inference", "--size", "big")
    assert error.value.returncode == 2
