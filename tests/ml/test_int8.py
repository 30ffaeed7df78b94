"""The int8 network: made by the CLI, checked when loaded, agreeing with the float network it came from."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from emotions.ml import quantize
from emotions.ml.model import (
    Checkpoint,
    EmotionResNet,
    WeightsIncompatibleError,
    WeightsMissingError,
    load_weights,
)
from emotions.ml.predictor import FACES_PER_CALL, Predictor

from .conftest import WEIGHTS, fake_fer, shipped_faces

INT8 = quantize.int8_path_for(WEIGHTS)


def test_the_shipped_int8_file_belongs_to_the_shipped_weights() -> None:
    predictor = Predictor(WEIGHTS)
    assert predictor.int8
    assert predictor.model_version == load_weights(WEIGHTS).model_version + "+int8"


def test_int8_agrees_with_the_float_network() -> None:
    faces = shipped_faces()
    int8 = Predictor(WEIGHTS).classify_faces(faces)
    float32 = Predictor(WEIGHTS, int8=False).classify_faces(faces)
    assert int8.shape == float32.shape == (len(faces), 7)
    assert np.allclose(int8.sum(1), 1.0, atol=1e-4)
    assert (int8.argmax(1) == float32.argmax(1)).mean() >= 0.9
    assert np.abs(int8 - float32).max() < 0.15


def test_faces_are_classified_in_chunks_without_mixing_them() -> None:
    predictor = Predictor(WEIGHTS)
    faces = np.concatenate([shipped_faces()] * 3)[: FACES_PER_CALL + 5]
    together = predictor.classify_faces(faces)
    one_by_one = np.concatenate([predictor.classify_faces(face[None]) for face in faces])
    assert np.allclose(together, one_by_one, atol=1e-4)
    assert predictor.classify_faces(faces[:0]).shape == (0, 7)


def test_without_an_int8_file_the_float_network_runs(tmp_path: Path) -> None:
    weights = tmp_path / "emotion_resnet.pt"
    shutil.copy(WEIGHTS, weights)
    predictor = Predictor(weights)
    assert not predictor.int8
    assert predictor.model_version == load_weights(WEIGHTS).model_version


def test_quantize_cli_writes_a_file_the_predictor_loads(tmp_path: Path) -> None:
    weights = tmp_path / "emotion_resnet.pt"
    shutil.copy(WEIGHTS, weights)
    data = fake_fer(tmp_path / "fer")
    assert quantize.main(["--weights", str(weights), "--data", str(data), "--images", "8"]) == 0
    assert (tmp_path / "emotion_resnet.int8.pt").is_file()
    assert not list(tmp_path.glob(".*.tmp")), "atomic save leaves no temporary file"
    predictor = Predictor(weights)
    assert predictor.int8
    assert predictor.classify_faces(shipped_faces()[:2]).shape == (2, 7)


def test_missing_int8_file_is_a_named_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsMissingError, match="not found"):
        quantize.load_int8(tmp_path / "nope.int8.pt", load_weights(WEIGHTS))


def test_corrupt_int8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.int8.pt"
    path.write_bytes(b"not an archive")
    with pytest.raises(WeightsIncompatibleError, match="cannot read"):
        quantize.load_int8(path, load_weights(WEIGHTS))


def test_int8_file_of_other_weights_is_refused() -> None:
    other = Checkpoint(model=EmotionResNet(), model_version="emotion-resnet-other")
    with pytest.raises(WeightsIncompatibleError, match=r"python -m emotions\.ml\.quantize"):
        quantize.load_int8(INT8, other)


def test_archive_without_its_description_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.int8.pt"
    torch.jit.save(torch.jit.script(torch.nn.Identity()), str(path))
    with pytest.raises(WeightsIncompatibleError, match="not an int8 emotion model"):
        quantize.load_int8(path, load_weights(WEIGHTS))
