"""The emotion ResNet and its weights file.

The network takes 48×48 greyscale faces with pixel values in 0..255 and
standardises each face itself, so that every caller (training, evaluation, the
worker) feeds it the same thing and no caller can get the normalisation wrong.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .labels import CLASSES, NUM_CLASSES

# Bumped whenever the file layout or the architecture's meaning changes; a file
# written with another version is refused instead of half-loaded.
# 2: the file carries the softmax temperature that calibrates the network's confidence.
FORMAT_VERSION = 2
# Versions this code knows but no longer runs, and what to do about a file written with one.
OUTDATED_FORMATS = {
    1: "it predates calibrated confidence (no temperature); "
    "run `python -m emotions.ml.calibrate --weights <file> --data <fer2013>` to add one",
}
INPUT_SIZE = 48


class WeightsError(RuntimeError):
    """Base class for problems with a weights file."""


class WeightsMissingError(WeightsError):
    pass


class WeightsIncompatibleError(WeightsError):
    pass


class WeightsOutdatedError(WeightsIncompatibleError):
    """A file of an older format version this code knows and refuses, with what to do about it."""


@dataclass(frozen=True)
class ArchConfig:
    """Hyper-parameters that define the network's shape (stored in the weights file)."""

    widths: tuple[int, ...] = (64, 128, 256, 512)
    blocks: tuple[int, ...] = (2, 2, 2, 2)
    stem_width: int = 32
    dropout: float = 0.2
    input_size: int = INPUT_SIZE

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArchConfig:
        return cls(
            widths=tuple(data["widths"]),
            blocks=tuple(data["blocks"]),
            stem_width=int(data["stem_width"]),
            dropout=float(data["dropout"]),
            input_size=int(data["input_size"]),
        )


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


def _conv_bn_relu(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, 1, 1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class EmotionResNet(nn.Module):
    """ResNet-18-shaped classifier for 48×48 faces.

    A two-convolution stem keeps the full 48 px resolution for the first layers
    (fine wrinkles around eyes and mouth carry the expression), then every stage
    halves it: 24, 12, 6, 3. Halving already in the first stage keeps the cost
    near 0.7 GFLOP per face, affordable on one CPU core.
    """

    def __init__(self, config: ArchConfig | None = None) -> None:
        super().__init__()
        self.config = config or ArchConfig()
        cfg = self.config
        self.stem = nn.Sequential(_conv_bn_relu(1, cfg.stem_width), _conv_bn_relu(cfg.stem_width, cfg.widths[0]))
        stages: list[nn.Module] = []
        in_channels = cfg.widths[0]
        for width, count in zip(cfg.widths, cfg.blocks, strict=True):
            blocks = [BasicBlock(in_channels, width, 2)]
            blocks += [BasicBlock(width, width, 1) for _ in range(count - 1)]
            stages.append(nn.Sequential(*blocks))
            in_channels = width
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(in_channels, NUM_CLASSES)
        self._init_weights()

    def _init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
        # Zero-init the last BN of each residual branch: every block starts as
        # the identity, which makes the early epochs noticeably more stable.
        for module in self.modules():
            if isinstance(module, BasicBlock):
                nn.init.zeros_(module.bn2.weight)

    @staticmethod
    def standardize(x: torch.Tensor) -> torch.Tensor:
        """Per-face zero mean / unit variance: removes exposure and contrast differences
        between FER2013's web photos and a phone selfie."""
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        std = x.std(dim=(1, 2, 3), keepdim=True).clamp_min(1.0)
        return (x - mean) / std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: float tensor [B, 1, 48, 48] with pixel values 0..255 → logits [B, 7]."""
        x = self.stem(self.standardize(x))
        x = self.stages(x)
        x = torch.flatten(self.pool(x), 1)
        return self.head(self.dropout(x))


def multiply_accumulates(config: ArchConfig) -> int:
    """Multiply-accumulate operations of one forward pass for one face (convolutions and the head)."""
    model = EmotionResNet(config).eval()
    counted = [0]

    def count(module: nn.Module, _inputs: Any, output: torch.Tensor) -> None:
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
            counted[0] += output[0].numel() * kernel
        elif isinstance(module, nn.Linear):
            counted[0] += module.in_features * module.out_features

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    with torch.inference_mode():
        model(torch.zeros(1, 1, config.input_size, config.input_size))
    for hook in hooks:
        hook.remove()
    return counted[0]


@dataclass
class Checkpoint:
    """A trained model plus what is needed to trust it.

    `temperature` divides the logits before the softmax (temperature scaling, Guo et al. 2017): fitted on
    public_test by `emotions.ml.calibrate` so that a face's top probability matches how often such a
    prediction is right. 1.0 is the network as trained (uncalibrated); it never changes the predicted class.
    """

    model: EmotionResNet
    model_version: str
    metadata: dict[str, Any] = field(default_factory=dict)
    temperature: float = 1.0


def save_weights(
    path: Path, model: EmotionResNet, *, model_version: str, metadata: dict[str, Any], temperature: float = 1.0
) -> None:
    """Write the weights file atomically (fp16 tensors: half the size, same accuracy)."""
    payload = {
        "format_version": FORMAT_VERSION,
        "classes": list(CLASSES),
        "arch": asdict(model.config),
        "model_version": model_version,
        "temperature": check_temperature(temperature, Path(path)),
        "metadata": metadata,
        # On the CPU: a file written on a GPU must load where no GPU exists.
        "state_dict": {k: (v.half() if v.is_floating_point() else v).cpu() for k, v in model.state_dict().items()},
    }
    atomic_torch_save(payload, Path(path))


def check_temperature(value: Any, path: Path) -> float:
    """A usable temperature (a positive finite number) or a named error."""
    try:
        temperature = float(value)
    except (TypeError, ValueError):
        raise WeightsIncompatibleError(f"{path} has no usable temperature: {value!r}") from None
    if not math.isfinite(temperature) or temperature <= 0:
        raise WeightsIncompatibleError(f"{path} has no usable temperature: {value!r}")
    return temperature


def atomic_torch_save(payload: Any, path: Path) -> None:
    atomic_write(Path(path), lambda tmp_name: torch.save(payload, tmp_name))


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Run `write(temporary name)` then move the file into place.

    A crash mid-write must never leave a truncated file where a good one was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp_name)
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def load_weights(path: Path, *, upgrade: bool = False) -> Checkpoint:
    """Load a weights file; named errors for a missing or incompatible one.

    `upgrade=True` also reads an outdated format (as temperature 1.0): only for the tools that rewrite
    the file in the current format (`emotions.ml.calibrate`), never for inference.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsMissingError(f"emotion model weights not found at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds for a corrupt file
        raise WeightsIncompatibleError(f"cannot read emotion model weights {path}: {exc}") from exc
    if upgrade and isinstance(payload, dict) and payload.get("format_version") in OUTDATED_FORMATS:
        payload = {**payload, "format_version": FORMAT_VERSION, "temperature": 1.0}
    _check_compatible(payload, path)
    temperature = check_temperature(payload.get("temperature"), path)
    model = EmotionResNet(ArchConfig.from_dict(payload["arch"]))
    state = {k: (v.float() if v.is_floating_point() else v) for k, v in payload["state_dict"].items()}
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise WeightsIncompatibleError(f"weights in {path} do not fit the architecture: {exc}") from exc
    model.eval()
    return Checkpoint(
        model=model,
        model_version=str(payload["model_version"]),
        metadata=payload.get("metadata", {}),
        temperature=temperature,
    )


def _check_compatible(payload: Any, path: Path) -> None:
    if not isinstance(payload, dict) or "format_version" not in payload:
        raise WeightsIncompatibleError(f"{path} is not an emotion model weights file")
    if payload["format_version"] in OUTDATED_FORMATS:
        raise WeightsOutdatedError(
            f"{path} has format version {payload['format_version']}, this code reads version {FORMAT_VERSION}: "
            + OUTDATED_FORMATS[payload["format_version"]]
        )
    if payload["format_version"] != FORMAT_VERSION:
        raise WeightsIncompatibleError(
            f"{path} has format version {payload['format_version']}, this code reads version {FORMAT_VERSION}"
        )
    if tuple(payload.get("classes", ())) != CLASSES:
        raise WeightsIncompatibleError(f"{path} was trained on other classes: {payload.get('classes')}")
