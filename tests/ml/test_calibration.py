"""Calibrated confidence: the ECE and temperature fit on known data, the temperature in both weights files,
the predictor applying it, and the calibrate CLI rewriting files without touching the network."""

from __future__ import annotations

import functools
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from emotions.ml import calibrate, quantize
from emotions.ml.calibration import (
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
    softmax,
    view_averaged_probabilities,
)
from emotions.ml.model import (
    ArchConfig,
    EmotionResNet,
    WeightsIncompatibleError,
    WeightsOutdatedError,
    load_weights,
    save_weights,
)
from emotions.ml.predictor import Predictor

from .conftest import WEIGHTS, face_files, fake_fer, padded_face, shipped_faces

TINY = ArchConfig(widths=(16, 16, 16, 16), blocks=(1, 1, 1, 1), stem_width=4)


@functools.cache
def tiny_int8_network() -> torch.jit.ScriptModule:
    """Quantized once per test session: the tiny network is the same every time (seeded)."""
    torch.manual_seed(0)
    return quantize.int8_quantize(EmotionResNet(TINY).eval(), shipped_faces())


def tiny_weights(path: Path, *, temperature: float = 1.0, int8: bool = False) -> Path:
    torch.manual_seed(0)
    save_weights(path, EmotionResNet(TINY).eval(), model_version="tiny", metadata={}, temperature=temperature)
    if int8:
        quantize.save_int8(
            quantize.int8_path_for(path),
            tiny_int8_network(),
            model_version="tiny",
            metadata={},
            temperature=temperature,
        )
    return path


def as_format_1(path: Path) -> None:
    """Rewrite a weights file as the code before calibrated confidence wrote it (no temperature)."""
    payload = torch.load(path, weights_only=True)
    payload["format_version"] = 1
    del payload["temperature"]
    torch.save(payload, path)


# --- the measures ----------------------------------------------------------------------------------------


def test_ece_on_hand_computed_data() -> None:
    probabilities = np.array([[0.9, 0.1], [0.9, 0.1], [0.3, 0.7], [0.55, 0.45]])
    labels = np.array([0, 1, 1, 1])
    # Bins of width 1/15: the two 0.9s share (0.867, 0.933] at accuracy 1/2; 0.7 is right, 0.55 wrong.
    expected = 2 / 4 * abs(0.5 - 0.9) + 1 / 4 * abs(1 - 0.7) + 1 / 4 * abs(0 - 0.55)
    assert expected_calibration_error(probabilities, labels) == pytest.approx(expected)  # 0.4125
    table = reliability_bins(probabilities, labels)
    assert table.counts.sum() == 4 and table.counts[13] == 2 and table.accuracy[13] == 0.5
    # With one bin the ECE is |overall accuracy - mean confidence|.
    assert expected_calibration_error(probabilities, labels, bins=1) == pytest.approx(abs(0.5 - 0.7625))


def test_perfect_calibration_scores_zero_and_no_faces_is_an_error() -> None:
    probabilities = np.array([[1.0, 0.0]] * 3)
    assert expected_calibration_error(probabilities, np.array([0, 0, 0])) == 0.0
    with pytest.raises(ValueError, match="no faces"):
        expected_calibration_error(np.zeros((0, 7)), np.zeros(0, dtype=int))


def test_fit_recovers_a_known_temperature_and_keeps_the_predicted_class() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(1, 20000, 7))
    true_temperature = 2.0
    labels = np.array([rng.choice(7, p=row) for row in softmax(logits[0], true_temperature)])
    fitted = fit_temperature(logits, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.05)
    before, after = view_averaged_probabilities(logits), view_averaged_probabilities(logits, fitted)
    assert (before.argmax(1) == after.argmax(1)).all()
    assert expected_calibration_error(after, labels) < expected_calibration_error(before, labels)
    assert np.allclose(after.sum(1), 1.0)


def test_fit_refuses_logits_that_do_not_match_the_labels() -> None:
    with pytest.raises(ValueError, match="views, faces, classes"):
        fit_temperature(np.zeros((6, 3, 7)), np.zeros(4, dtype=int))


# --- the files -------------------------------------------------------------------------------------------


def test_temperature_is_loaded_from_the_float_file(tmp_path: Path) -> None:
    assert load_weights(tiny_weights(tmp_path / "w.pt", temperature=1.7)).temperature == 1.7


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), "warm"])
def test_a_file_with_an_unusable_temperature_is_refused(tmp_path: Path, bad: object) -> None:
    path = tiny_weights(tmp_path / "w.pt")
    payload = torch.load(path, weights_only=True)
    payload["temperature"] = bad
    torch.save(payload, path)
    with pytest.raises(WeightsIncompatibleError, match="no usable temperature"):
        load_weights(path)


def test_a_format_1_file_is_refused_by_name_and_says_how_to_upgrade(tmp_path: Path) -> None:
    path = tiny_weights(tmp_path / "w.pt")
    as_format_1(path)
    with pytest.raises(WeightsOutdatedError, match=r"format version 1.*python -m emotions\.ml\.calibrate"):
        load_weights(path)
    # The upgrade tool alone reads it, as the uncalibrated network it is.
    assert load_weights(path, upgrade=True).temperature == 1.0


def test_an_int8_file_of_format_1_is_refused_by_name(tmp_path: Path) -> None:
    path = tiny_weights(tmp_path / "w.pt", int8=True)
    scripted, about = quantize.read_int8_archive(quantize.int8_path_for(path))
    about = {k: v for k, v in about.items() if k != "temperature"} | {"int8_format_version": 1}
    torch.jit.save(scripted, str(quantize.int8_path_for(path)), _extra_files={quantize.INT8_INFO: json.dumps(about)})
    with pytest.raises(WeightsOutdatedError, match=r"int8 format version 1.*emotions\.ml\.calibrate"):
        Predictor(path)


# --- the predictor ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("int8", [False, True])
def test_the_predictor_applies_the_files_temperature_to_each_view(tmp_path: Path, int8: bool) -> None:
    faces = shipped_faces()
    cold = Predictor(tiny_weights(tmp_path / "a" / "w.pt", temperature=1.0, int8=int8), int8=int8)
    warm = Predictor(tiny_weights(tmp_path / "b" / "w.pt", temperature=3.0, int8=int8), int8=int8)
    assert (cold.int8, warm.int8, warm.temperature) == (int8, int8, 3.0)
    logits = warm.view_logits(faces)
    assert logits.shape == (warm.views_per_face, len(faces), 7)
    probabilities = warm.classify_faces(faces)
    assert np.allclose(probabilities, view_averaged_probabilities(logits, 3.0), atol=1e-5)
    assert np.allclose(probabilities.sum(1), 1.0, atol=1e-5)
    # A higher temperature spreads the probabilities: the top one drops.
    assert (probabilities.max(1) <= cold.classify_faces(faces).max(1) + 1e-6).all()


def test_shipped_files_carry_their_fitted_temperatures() -> None:
    checkpoint = load_weights(WEIGHTS)
    assert re.search(r"-cal\d{8}$", checkpoint.model_version)
    fit = checkpoint.metadata["temperature_fit"]
    assert fit["fitted_on"] == "public_test" and fit["temperature"] == checkpoint.temperature
    # The fit minimises the NLL (ECE need not follow: see the model card).
    assert fit["nll_after"] <= fit["nll_before"]
    predictor = Predictor(WEIGHTS)
    assert predictor.int8 and predictor.model_version == checkpoint.model_version + "+int8"
    _scripted, about = quantize.read_int8_archive(quantize.int8_path_for(WEIGHTS))
    assert predictor.temperature == about["temperature"] == about["metadata"]["temperature_fit"]["temperature"]


def test_every_analysis_reports_a_calibrated_confidence_in_0_1() -> None:
    predictor = Predictor(WEIGHTS)
    found = 0
    for path in face_files():
        analysis = predictor.analyze_grey(padded_face(path))
        if not analysis.faces_found:
            continue
        found += 1
        assert 0.0 <= analysis.confidence <= 1.0
        assert sum(analysis.probabilities.values()) == pytest.approx(1.0, abs=1e-4)
        assert analysis.confidence == pytest.approx(max(analysis.probabilities.values()), abs=1e-6)
        assert analysis.as_dict()["confidence"] == analysis.confidence
    assert found >= len(face_files()) // 2
    blank = predictor.analyze_grey(np.full((240, 320), 128, np.uint8))
    assert blank.faces_found == 0 and blank.confidence is None and blank.as_dict()["confidence"] is None


# --- the CLI ---------------------------------------------------------------------------------------------


def test_calibrate_cli_upgrades_both_files_and_leaves_the_network_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = fake_fer(tmp_path / "fer")
    weights = tiny_weights(tmp_path / "w" / "emotion_resnet.pt", int8=True)
    before = load_weights(weights).model.state_dict()
    as_format_1(weights)
    scripted, about = quantize.read_int8_archive(quantize.int8_path_for(weights))
    about = {k: v for k, v in about.items() if k != "temperature"} | {"int8_format_version": 1}
    torch.jit.save(scripted, str(quantize.int8_path_for(weights)), _extra_files={quantize.INT8_INFO: json.dumps(about)})

    assert calibrate.main(["--weights", str(weights), "--data", str(data), "--threads", "1"]) == 0

    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    after = load_weights(weights)
    assert re.fullmatch(r"tiny-cal\d{8}", after.model_version) and after.model_version == result["model_version"]
    assert after.temperature == result["float"]["temperature"] > 0
    assert result["float"]["faces"] == len(face_files()) and result["float"]["views"] == 6
    assert all(torch.equal(before[k].half(), v.half()) for k, v in after.model.state_dict().items())
    predictor = Predictor(weights)
    assert predictor.int8 and predictor.temperature == result["int8"]["temperature"]
    # A second fit replaces the date suffix instead of stacking another.
    assert calibrate.calibrated_version(after.model_version, calibrate.datetime(2030, 1, 2)) == "tiny-cal20300102"


def test_calibrate_refuses_an_int8_file_of_other_weights(tmp_path: Path) -> None:
    weights = tiny_weights(tmp_path / "emotion_resnet.pt")
    shutil.copy(quantize.int8_path_for(WEIGHTS), quantize.int8_path_for(weights))
    with pytest.raises(WeightsIncompatibleError, match="does not belong"):
        calibrate.main(["--weights", str(weights), "--data", str(tmp_path / "fer")])
