"""8-bit integer version of the trained ResNet for CPU inference, and its file.

Post-training static quantization (PyTorch FX, oneDNN backend): weights per channel, activations per
tensor over their full 8-bit range, calibrated on training faces and their mirrors. On one core it
classifies about four times faster than float32 with the same accuracy on FER2013 (see the model card),
which pays for the extra test-time views in the predictor.

The per-face standardisation stays in float (its statistics are per image); only the network after it
is quantized. The file `<weights>.int8.pt` is a TorchScript archive (loading it needs neither FX nor
the float graph: about 200 MB less worker memory than rebuilding the quantized graph at start-up, and
a faster forward pass). It sits beside the float weights it was made from and names their model_version
in its `int8.json`, with the softmax temperature fitted on this int8 network's own logits (copied from the
float weights here; `python -m emotions.ml.calibrate` fits it): an int8 file left over from another model,
or from before calibrated confidence (int8 format 1), is refused, not silently used. Like any
TorchScript archive it holds code: load only the file shipped in this repository or made by this CLI.

    python -m emotions.ml.quantize --weights emotions/ml/weights/emotion_resnet.pt --data ../shared/data/fer2013
"""

from __future__ import annotations

import argparse
import copy
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .model import (
    Checkpoint,
    EmotionResNet,
    WeightsIncompatibleError,
    WeightsMissingError,
    WeightsOutdatedError,
    atomic_write,
    check_temperature,
    load_weights,
)

# 2: the description carries the temperature fitted on this int8 network's own logits.
INT8_FORMAT_VERSION = 2
OUTDATED_INT8_FORMATS = {
    1: "it predates calibrated confidence (no temperature); "
    "run `python -m emotions.ml.calibrate --weights <float weights> --data <fer2013>` to add one",
}
# oneDNN's int8 kernels use the activations' full 8-bit range; the "x86"/fbgemm configuration keeps
# 7 bits for older CPUs and lost 0.6 points on public_test.
ENGINE = "onednn"
CALIBRATION_IMAGES = 4096
CALIBRATION_BATCH = 128
# The archive's own description of itself (format, engine, the float weights it came from).
INT8_INFO = "int8.json"


class _Body(nn.Module):
    """The network after standardisation: what gets quantized."""

    def __init__(self, model: EmotionResNet) -> None:
        super().__init__()
        self.stem, self.stages, self.pool, self.head = model.stem, model.stages, model.pool, model.head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stages(self.stem(x))
        return self.head(torch.flatten(self.pool(x), 1))


def int8_path_for(weights_path: Path) -> Path:
    return Path(weights_path).with_suffix(".int8.pt")


def int8_supported() -> bool:
    return ENGINE in torch.backends.quantized.supported_engines


def _prepared(model: EmotionResNet) -> torch.fx.GraphModule:
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import prepare_fx

    torch.backends.quantized.engine = ENGINE
    body = _Body(copy.deepcopy(model)).eval()
    with warnings.catch_warnings():
        # torch.ao's FX quantization announces its move to torchao; the API works as documented here.
        warnings.simplefilter("ignore")
        return prepare_fx(body, get_default_qconfig_mapping(ENGINE), example_inputs=(_example_faces(),))


def _example_faces() -> torch.Tensor:
    # Six views of one face, as the predictor sends them; the traced graph accepts any batch size.
    return EmotionResNet.standardize(torch.rand(6, 1, 48, 48) * 255)


def int8_quantize(model: EmotionResNet, faces: np.ndarray) -> torch.jit.ScriptModule:
    """Calibrate on `faces` ([N, 48, 48] uint8) and their mirrors (the predictor shows both)."""
    from torch.ao.quantization.quantize_fx import convert_fx

    prepared = _prepared(model)
    with torch.inference_mode():
        for start in range(0, len(faces), CALIBRATION_BATCH):
            x = torch.from_numpy(faces[start : start + CALIBRATION_BATCH]).float().unsqueeze(1)
            prepared(EmotionResNet.standardize(torch.cat([x, torch.flip(x, dims=[3])])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converted = convert_fx(prepared)
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.trace(converted, _example_faces())


def save_int8(
    path: Path,
    scripted: torch.jit.ScriptModule,
    *,
    model_version: str,
    metadata: dict[str, Any],
    temperature: float,
) -> None:
    about = {
        "int8_format_version": INT8_FORMAT_VERSION,
        "engine": ENGINE,
        "model_version": model_version,
        # Fitted on the int8 network's logits: quantization moves them a little from the float network's.
        "temperature": check_temperature(temperature, Path(path)),
        "metadata": metadata,
    }
    extra = {INT8_INFO: json.dumps(about)}
    atomic_write(Path(path), lambda tmp_name: torch.jit.save(scripted, tmp_name, _extra_files=extra))


class Int8Network:
    """The int8 network made from a checkpoint's weights: faces (0..255) → logits, and its temperature."""

    def __init__(self, scripted: torch.jit.ScriptModule, temperature: float) -> None:
        self.scripted = scripted
        self.temperature = temperature

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.scripted(EmotionResNet.standardize(x))


def read_int8_archive(path: Path) -> tuple[torch.jit.ScriptModule, Any]:
    """The archive's network and its description, unchecked (load_int8 checks them)."""
    path = Path(path)
    if not path.is_file():
        raise WeightsMissingError(f"int8 emotion model not found at {path}")
    extra = {INT8_INFO: ""}
    torch.backends.quantized.engine = ENGINE
    try:
        with warnings.catch_warnings():
            # TorchScript is deprecated in favour of torch.export, still fully supported by the pinned torch.
            warnings.simplefilter("ignore", DeprecationWarning)
            scripted = torch.jit.load(str(path), map_location="cpu", _extra_files=extra).eval()
        about = json.loads(extra[INT8_INFO] or "null")
    except Exception as exc:  # torch raises many kinds for a corrupt file
        raise WeightsIncompatibleError(f"cannot read int8 emotion model {path}: {exc}") from exc
    return scripted, about


def load_int8(path: Path, checkpoint: Checkpoint) -> Int8Network:
    """The int8 network made from `checkpoint`'s weights, with the temperature fitted on its logits."""
    scripted, about = read_int8_archive(path)
    _check_int8_compatible(about, path, checkpoint)
    return Int8Network(scripted, check_temperature(about.get("temperature"), Path(path)))


def _check_int8_compatible(about: Any, path: Path, checkpoint: Checkpoint) -> None:
    version = about.get("int8_format_version") if isinstance(about, dict) else None
    if version in OUTDATED_INT8_FORMATS:
        raise WeightsOutdatedError(
            f"{path} has int8 format version {version}, this code reads version {INT8_FORMAT_VERSION}: "
            + OUTDATED_INT8_FORMATS[version]
        )
    if version != INT8_FORMAT_VERSION:
        raise WeightsIncompatibleError(f"{path} is not an int8 emotion model of format {INT8_FORMAT_VERSION}")
    if about.get("model_version") != checkpoint.model_version:
        raise WeightsIncompatibleError(
            f"{path} was made from {about.get('model_version')}, not {checkpoint.model_version}: "
            "run `python -m emotions.ml.quantize` again for the current weights"
        )
    if about.get("engine") != ENGINE:
        raise WeightsIncompatibleError(f"{path} was quantized for {about.get('engine')}, this code runs {ENGINE}")


def _calibration_faces(data: Path, count: int, seed: int) -> np.ndarray:
    from .data import load_train

    train = load_train(data)
    rng = np.random.default_rng(seed)
    return train.images[rng.choice(len(train), size=min(count, len(train)), replace=False)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the int8 version of the emotion model weights.")
    parser.add_argument("--weights", type=Path, required=True, help="the float weights file")
    parser.add_argument("--data", type=Path, required=True, help="FER2013 folder (or a pack): calibration faces")
    parser.add_argument("--out", type=Path, help="default: <weights>.int8.pt")
    parser.add_argument("--images", type=int, default=CALIBRATION_IMAGES, help="training faces to calibrate on")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    checkpoint = load_weights(args.weights)
    faces = _calibration_faces(args.data, args.images, args.seed)
    scripted = int8_quantize(checkpoint.model, faces)
    out = args.out or int8_path_for(args.weights)
    metadata = {"calibration": f"{len(faces)} training faces and their mirrors, seed {args.seed}"}
    # The float network's temperature until `emotions.ml.calibrate` fits one on the int8 logits.
    metadata["temperature_source"] = "copied from the float weights"
    save_int8(
        out, scripted, model_version=checkpoint.model_version, metadata=metadata, temperature=checkpoint.temperature
    )
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) for {checkpoint.model_version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
