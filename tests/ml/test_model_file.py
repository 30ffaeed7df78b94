from __future__ import annotations

from pathlib import Path

import pytest
import torch

from emotions.ml.model import (
    FORMAT_VERSION,
    ArchConfig,
    EmotionResNet,
    WeightsIncompatibleError,
    WeightsMissingError,
    load_weights,
    multiply_accumulates,
    save_weights,
)

from .conftest import WEIGHTS

TINY = ArchConfig(widths=(8, 8, 8, 8), blocks=(1, 1, 1, 1), stem_width=4)


def test_shipped_weights_load_with_their_version_and_measured_accuracy() -> None:
    checkpoint = load_weights(WEIGHTS)
    assert checkpoint.model_version.startswith("emotion-resnet-")
    assert checkpoint.metadata["public_test_accuracy_flip"] > 0.6
    out = checkpoint.model(torch.full((2, 1, 48, 48), 128.0))
    assert out.shape == (2, 7)


def test_save_then_load_round_trip_is_equal(tmp_path: Path) -> None:
    model = EmotionResNet(TINY).eval()
    path = tmp_path / "w.pt"
    save_weights(path, model, model_version="t1", metadata={"note": "x"})
    loaded = load_weights(path)
    x = torch.rand(3, 1, 48, 48) * 255
    assert torch.allclose(model(x), loaded.model(x), atol=1e-2)
    assert loaded.model_version == "t1"
    assert not list(tmp_path.glob(".*.tmp")), "atomic save leaves no temporary file"


def test_missing_file_is_a_named_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsMissingError, match="not found"):
        load_weights(tmp_path / "nope.pt")


def test_other_format_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.pt"
    save_weights(path, EmotionResNet(TINY), model_version="t", metadata={})
    payload = torch.load(path, weights_only=True)
    payload["format_version"] = FORMAT_VERSION + 1
    torch.save(payload, path)
    with pytest.raises(WeightsIncompatibleError, match="format version"):
        load_weights(path)


def test_corrupt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.pt"
    path.write_bytes(b"not a torch file")
    with pytest.raises(WeightsIncompatibleError, match="cannot read"):
        load_weights(path)


def test_weights_that_do_not_fit_the_architecture_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.pt"
    save_weights(path, EmotionResNet(TINY), model_version="t", metadata={})
    payload = torch.load(path, weights_only=True)
    payload["arch"]["widths"] = [16, 16, 16, 16]
    torch.save(payload, path)
    with pytest.raises(WeightsIncompatibleError, match="do not fit"):
        load_weights(path)


def test_multiply_accumulates_of_the_default_network_match_its_documented_cost() -> None:
    # The model's docstring and the benchmarks quote about 0.7 GFLOP (2 × multiply-accumulates) per face.
    assert 2 * multiply_accumulates(ArchConfig()) / 1e9 == pytest.approx(0.714, abs=0.001)
    # A tiny network counted by hand: outputs × kernel × input channels, layer by layer.
    tiny = ArchConfig(widths=(8,), blocks=(1,), stem_width=4)
    stem = 48 * 48 * 4 * 9 * 1 + 48 * 48 * 8 * 9 * 4
    block = 2 * (24 * 24 * 8 * 9 * 8) + 24 * 24 * 8 * 8  # two 3×3 convolutions at stride 2, the 1×1 shortcut
    head = 8 * 7
    assert multiply_accumulates(tiny) == stem + block + head


def test_the_worker_path_imports_neither_matplotlib_nor_django() -> None:
    # matplotlib is a report-time (requirements-dev) dependency; emotions.ml is a plain library.
    import subprocess
    import sys

    code = (
        "import sys, emotions.ml.predictor, emotions.ml.evaluate, emotions.ml.calibrate;"
        "print(sorted(m for m in ('matplotlib', 'django') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.strip() == "[]"
