"""The model card's report: figures from a tiny randomly initialised network on a handful of images."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from emotions.ml import report
from emotions.ml.model import ArchConfig, EmotionResNet, save_weights

from .conftest import face_files, fake_fer

TINY = ArchConfig(widths=(8, 8, 8, 8), blocks=(1, 1, 1, 1), stem_width=4)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def training_log(path: Path) -> Path:
    lines = [{"event": "start"}] + [
        {
            "epoch": e,
            "loss": 1.5 / e,
            "train_acc": 0.3 + e / 20,
            "public_acc_flip": 0.25 + e / 25,
            "lr": 0.01 / e,
            "public_recall": {"angry": 0.2 + e / 30, "happy": 0.5 + e / 20},  # as emotions.ml.finetune logs it
        }
        for e in range(1, 6)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    return path


def test_report_writes_every_figure_from_a_tiny_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = fake_fer(tmp_path / "fer")
    weights = tmp_path / "tiny.pt"
    torch.manual_seed(0)
    save_weights(weights, EmotionResNet(TINY), model_version="tiny", metadata={}, temperature=2.0)
    out = tmp_path / "figures"
    argv = ["--weights", str(weights), "--data", str(data / "private_test"), "--out", str(out)]
    assert report.main([*argv, "--train-log", str(training_log(tmp_path / "log.jsonl"))]) == 0

    for name in ("confusion.png", "reliability.png", "recall.png", "training_curves.png"):
        assert (out / name).read_bytes()[:8] == PNG_SIGNATURE, name
    numbers = json.loads((out / "report.json").read_text())
    assert numbers["split"] == "private_test"
    assert numbers["evaluation"]["n"] == len(face_files())
    assert numbers["evaluation"]["temperature"] == 2.0
    assert 0 <= numbers["evaluation"]["ece"] <= 1 and 0 <= numbers["evaluation"]["ece_uncalibrated"] <= 1
    assert numbers["reliability"]["calibrated"]["ece"] == pytest.approx(numbers["evaluation"]["ece"], abs=1e-4)
    assert sum(numbers["reliability"]["uncalibrated"]["counts"]) == len(face_files())
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["out"] == str(out)


def test_report_from_saved_predictions_and_a_log_without_epochs(tmp_path: Path) -> None:
    from emotions.ml.evaluate import Predictions, predict_folder
    from emotions.ml.predictor import Predictor

    data = fake_fer(tmp_path / "fer")
    weights = tmp_path / "tiny.pt"
    save_weights(weights, EmotionResNet(TINY), model_version="tiny", metadata={})
    predictions, _ = predict_folder(Predictor(weights), data / "public_test")
    predictions.save(tmp_path / "public.npz")
    assert Predictions.load(tmp_path / "public.npz").model_version == "tiny"
    out = tmp_path / "figures"
    assert report.main(["--predictions", str(tmp_path / "public.npz"), "--out", str(out)]) == 0
    assert (out / "reliability.png").is_file() and not (out / "training_curves.png").exists()
    (tmp_path / "empty.log").write_text('{"event": "start"}\n')
    with pytest.raises(ValueError, match="no per-epoch JSON lines"):
        report.main(
            [
                "--predictions",
                str(tmp_path / "public.npz"),
                "--out",
                str(out),
                "--train-log",
                str(tmp_path / "empty.log"),
            ]
        )
