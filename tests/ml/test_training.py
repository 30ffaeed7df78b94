"""A tiny training run on a FER2013-shaped folder proves the loop, resume and the weights file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emotions.ml import train
from emotions.ml.data import load_train, training_relpaths
from emotions.ml.model import load_weights

from .conftest import face_files, fake_fer


def test_leaked_and_blank_images_are_dropped(tmp_path: Path) -> None:
    root = fake_fer(tmp_path)
    kept = training_relpaths(root)
    assert len(kept) == len(face_files()) - 2
    assert not any(p.endswith("train_0.jpg") or p.endswith("train_1.jpg") for p in kept)
    assert load_train(root).images.shape == (len(kept), 48, 48)


def test_tiny_training_run_writes_weights_and_resumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = fake_fer(tmp_path / "fer")
    out, checkpoints = tmp_path / "w.pt", tmp_path / "ckpt"
    common = [
        "--data",
        str(root),
        "--out",
        str(out),
        "--checkpoint-dir",
        str(checkpoints),
        "--batch-size",
        "4",
        "--max-batches",
        "2",
        # 16 channels, not 8: oneDNN's AVX-512 backward convolution crashes on 8-channel layers on AMD Zen 4.
        "--widths",
        "16",
        "16",
        "16",
        "16",
        "--blocks",
        "1",
        "1",
        "1",
        "1",
        "--stem-width",
        "4",
        "--no-amp",
        "--model-version",
        "tiny",
    ]
    assert train.main([*common, "--epochs", "1"]) == 0
    assert load_weights(out).model_version == "tiny"
    assert (checkpoints / "last.pt").is_file()
    assert train.main([*common, "--epochs", "2"]) == 0  # same command, more epochs: resumes at epoch 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    epochs = [line["epoch"] for line in lines if "epoch" in line and "event" not in line]
    assert epochs == [1, 2]
    assert any(line.get("event") == "resumed" for line in lines)
