"""The CPU fine-tuning path: selfie augmentation, class weights, snapshots, and continuing where it stopped."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from emotions.ml import finetune
from emotions.ml.labels import CLASSES
from emotions.ml.model import ArchConfig, EmotionResNet, load_weights, save_weights
from emotions.ml.selfie_augment import SelfieConfig, measure_crop_jitter, selfie_batch

from .conftest import face_files, fake_fer, padded_face, shipped_faces

# 16 channels, not 8: oneDNN's AVX-512 backward convolution crashes on 8-channel layers on AMD Zen 4.
TINY = ArchConfig(widths=(16, 16, 16, 16), blocks=(1, 1, 1, 1), stem_width=4)


def test_selfie_batch_keeps_shape_and_type_and_is_reproducible() -> None:
    faces = shipped_faces()
    first = selfie_batch(faces, np.random.default_rng(3))
    again = selfie_batch(faces, np.random.default_rng(3))
    assert first.shape == faces.shape and first.dtype == np.uint8
    assert np.array_equal(first, again)
    assert not np.array_equal(first, faces)
    assert selfie_batch(faces[:0], np.random.default_rng(0)).shape == (0, 48, 48)


def test_every_selfie_step_can_run_at_once() -> None:
    always = SelfieConfig(
        dark_probability=1.0,
        tint_probability=1.0,
        blur_probability=1.0,
        noise_probability=1.0,
        jpeg_probability=1.0,
        erase_probability=1.0,
    )
    out = selfie_batch(shipped_faces(), np.random.default_rng(0), always)
    assert out.dtype == np.uint8 and out.shape == shipped_faces().shape
    # Darker on average: the light step only lowers gain and contrast.
    assert out.mean() < shipped_faces().mean()


def test_crop_jitter_is_measured_through_the_production_detector() -> None:
    jitter = measure_crop_jitter(shipped_faces())
    assert jitter["found"] >= len(face_files()) // 2
    assert 0.7 < jitter["zoom_p50"] < 1.4 and 0 <= jitter["abs_shift_p50"] < 0.2
    assert padded_face(face_files()[0]).shape == (288, 288)  # the same framing the predictor tests use


def test_class_weights_favour_rare_classes_and_average_one() -> None:
    labels = np.array([0] * 10 + [1] * 1 + [3] * 40)
    weights = finetune.class_weights(labels, 0.5)
    assert weights[1] > weights[0] > weights[3]
    assert float((weights[labels]).mean()) == pytest.approx(1.0)
    assert weights[2] == 0  # a class with no faces gets no weight, not a division by zero
    assert torch.allclose(finetune.class_weights(labels, 0.0)[[0, 1, 3]], torch.ones(3))


def test_cyclic_learning_rate_restarts_every_cycle() -> None:
    assert finetune.cyclic_lr(0, 10, 0.01) == pytest.approx(0.01)
    assert finetune.cyclic_lr(5, 10, 0.01) == pytest.approx(0.005)
    assert finetune.cyclic_lr(9, 10, 0.01) < 0.001
    assert finetune.cyclic_lr(10, 10, 0.01) == pytest.approx(0.01)


def test_tiny_finetune_snapshots_logs_recall_and_continues_where_it_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = fake_fer(tmp_path / "fer")
    start = tmp_path / "start.pt"
    torch.manual_seed(0)
    save_weights(start, EmotionResNet(TINY), model_version="tiny", metadata={}, temperature=1.3)
    folder = tmp_path / "runs" / "t"
    command = [
        "--data",
        str(data),
        "--from",
        str(start),
        "--checkpoint-dir",
        str(folder),
        "--batch-size",
        "4",
        "--max-batches",
        "2",
        "--cycle-epochs",
        "1",
        "--no-amp",
        "--state-every",
        "1",
    ]
    # A session that ends after its first batch (time limit reached at once): state saved mid-epoch.
    assert finetune.main([*command, "--cycles", "2", "--max-minutes", "1e-9"]) == 0
    assert (folder / "state.pt").is_file() and not (folder / "snapshot-1.pt").exists()
    assert torch.load(folder / "state.pt", weights_only=False)["state"]["batch"] == 1
    # The same command continues: finishes epoch 1 (snapshot 1) and epoch 2 (snapshot 2).
    assert finetune.main([*command, "--cycles", "2"]) == 0
    # More cycles later: one more epoch, one more snapshot.
    assert finetune.main([*command, "--cycles", "3"]) == 0

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    events = [line["event"] for line in lines if "event" in line]
    assert events == ["start", "paused", "resumed", "done", "resumed", "done"]
    epochs = [line for line in lines if "epoch" in line and "event" not in line]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert set(epochs[0]["public_recall"]) == set(CLASSES)
    assert [e.get("snapshot") for e in epochs] == ["snapshot-1.pt", "snapshot-2.pt", "snapshot-3.pt"]
    logged = [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]
    assert [e["epoch"] for e in logged] == [1, 2, 3]
    snapshot = load_weights(folder / "snapshot-3.pt")
    assert snapshot.model_version == "tiny-ft0-snap3" and snapshot.temperature == 1.0
    assert snapshot.metadata["base_model_version"] == "tiny"
    assert (folder / "best.pt").is_file()
