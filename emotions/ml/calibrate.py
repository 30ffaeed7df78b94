"""Fit the softmax temperature on public_test and write it into the weights files.

    python -m emotions.ml.calibrate --weights emotions/ml/weights/emotion_resnet.pt --data ../shared/data/fer2013

The network weights are not touched: only the temperature, the model_version (a `-cal<date>` suffix, so
stored assessments show which calibration made them) and the metadata change. Both files are rewritten in
the current format: the float weights with the temperature fitted on the float network, the int8 archive
beside them (when there is one) with the temperature fitted on the int8 network, each through the
production predictor (six views, temperature applied per view before the view average; see
emotions/ml/calibration.py). Files of an older format (no temperature) are upgraded on the way.
Selection on public_test only: private_test stays the test.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .calibration import (
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
    view_averaged_probabilities,
)
from .model import Checkpoint, WeightsIncompatibleError, load_weights, save_weights
from .predictor import Predictor, available_cores, torch_threads
from .quantize import ENGINE, int8_path_for, read_int8_archive, save_int8

CALIBRATION_SPLIT = "public_test"
# The suffix this tool appends; stripped before a new one is added, so a re-fit does not stack them.
VERSION_SUFFIX = re.compile(r"-cal\d{8}$")


def calibrated_version(model_version: str, when: datetime) -> str:
    return f"{VERSION_SUFFIX.sub('', model_version)}-cal{when:%Y%m%d}"


def temperature_fit(predictor: Predictor, faces: np.ndarray, labels: np.ndarray, split: str) -> dict[str, Any]:
    """Fit T on the predictor's view logits; the figures before and after, for the file's metadata."""
    logits = predictor.view_logits(faces)
    temperature = fit_temperature(logits, labels)
    before, after = view_averaged_probabilities(logits), view_averaged_probabilities(logits, temperature)
    return {
        "temperature": temperature,
        "fitted_on": split,
        "faces": len(labels),
        "views": int(logits.shape[0]),
        "nll_before": round(negative_log_likelihood(before, labels), 4),
        "nll_after": round(negative_log_likelihood(after, labels), 4),
        "ece_before": round(expected_calibration_error(before, labels), 4),
        "ece_after": round(expected_calibration_error(after, labels), 4),
    }


def _int8_archive(weights: Path, checkpoint: Checkpoint) -> Any:
    """The int8 network beside `weights`, checked to belong to them (its format may be outdated)."""
    path = int8_path_for(weights)
    if not path.is_file():
        return None
    scripted, about = read_int8_archive(path)
    if not isinstance(about, dict) or about.get("model_version") != checkpoint.model_version:
        raise WeightsIncompatibleError(f"{path} does not belong to {weights}: run `python -m emotions.ml.quantize`")
    if about.get("engine") != ENGINE:
        raise WeightsIncompatibleError(f"{path} was quantized for {about.get('engine')}, this code runs {ENGINE}")
    return scripted, about.get("metadata", {})


def _write(
    out: Path, checkpoint: Checkpoint, int8: Any, *, version: str, float_fit: dict[str, Any], int8_fit: dict[str, Any]
) -> None:
    metadata = {**checkpoint.metadata, "base_model_version": VERSION_SUFFIX.sub("", checkpoint.model_version)}
    metadata["temperature_fit"] = float_fit
    save_weights(
        out, checkpoint.model, model_version=version, metadata=metadata, temperature=float_fit.get("temperature", 1.0)
    )
    if int8 is not None:
        scripted, int8_metadata = int8
        int8_metadata = {**int8_metadata, "temperature_fit": int8_fit}
        int8_metadata.pop("temperature_source", None)
        save_int8(
            int8_path_for(out),
            scripted,
            model_version=version,
            metadata=int8_metadata,
            temperature=int8_fit.get("temperature", 1.0),
        )


def calibrate(weights: Path, data: Path, *, out: Path, threads: int, when: datetime) -> dict[str, Any]:
    from .data import load_eval_split

    checkpoint = load_weights(weights, upgrade=True)
    int8 = _int8_archive(weights, checkpoint)
    split = load_eval_split(data, CALIBRATION_SPLIT)
    version = calibrated_version(checkpoint.model_version, when)
    fits: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as scratch, torch_threads(threads):
        # First the files in the current format at temperature 1, so the fit runs the production predictor.
        staged = Path(scratch) / weights.name
        _write(staged, checkpoint, int8, version=version, float_fit={}, int8_fit={})
        fits["float"] = temperature_fit(Predictor(staged, int8=False), split.images, split.labels, CALIBRATION_SPLIT)
        if int8 is not None:
            int8_predictor = Predictor(staged, int8=True)
            if int8_predictor.int8:
                fits["int8"] = temperature_fit(int8_predictor, split.images, split.labels, CALIBRATION_SPLIT)
    for fit in fits.values():
        fit["date"] = f"{when:%Y-%m-%d}"
    _write(out, checkpoint, int8, version=version, float_fit=fits["float"], int8_fit=fits.get("int8", {}))
    return {"model_version": version, **fits}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit the softmax temperature on public_test; write it in.")
    parser.add_argument("--weights", type=Path, required=True, help="the float weights (the int8 file beside them)")
    parser.add_argument("--data", type=Path, required=True, help="FER2013 folder (or a pack with public_test)")
    parser.add_argument("--out", type=Path, help="default: rewrite --weights (and its int8 file) in place")
    parser.add_argument("--threads", type=int, default=available_cores())
    args = parser.parse_args(argv)
    result = calibrate(
        args.weights, args.data, out=args.out or args.weights, threads=args.threads, when=datetime.now(UTC)
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
