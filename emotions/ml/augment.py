"""Batch augmentation on the training device (GPU or CPU), on whole uint8 batches.

Per-image Python loaders would starve a GPU on 48 px images; one affine warp of the
whole batch costs a single kernel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    max_rotation_deg: float = 15.0
    scale_range: tuple[float, float] = (0.85, 1.15)
    max_shift: float = 0.10  # fraction of the image side
    flip_probability: float = 0.5
    gamma_range: tuple[float, float] = (0.7, 1.4)
    erase_probability: float = 0.5
    erase_area: tuple[float, float] = (0.02, 0.2)


def _uniform(n: int, low: float, high: float, device: torch.device, generator: torch.Generator) -> torch.Tensor:
    return torch.rand(n, device=device, generator=generator) * (high - low) + low


def random_affine(x: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """Rotation, zoom, shift and horizontal flip in one grid_sample call. x: [B,1,H,W] float."""
    n, device = x.shape[0], x.device
    angle = _uniform(n, -cfg.max_rotation_deg, cfg.max_rotation_deg, device, generator) * math.pi / 180
    scale = _uniform(n, *cfg.scale_range, device, generator)
    flip = torch.where(torch.rand(n, device=device, generator=generator) < cfg.flip_probability, -1.0, 1.0)
    shift = _uniform(2 * n, -cfg.max_shift, cfg.max_shift, device, generator).view(n, 2) * 2
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [
            torch.stack([cos * flip, -sin, shift[:, 0]], dim=1),
            torch.stack([sin * flip, cos, shift[:, 1]], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # "border" repeats the edge pixels: no black corners that FER2013 never shows.
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def random_gamma(x: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """Non-linear exposure change (a linear one would vanish in the model's standardisation)."""
    gamma = _uniform(x.shape[0], *cfg.gamma_range, x.device, generator).view(-1, 1, 1, 1)
    return 255.0 * (x / 255.0).clamp_min(0).pow(gamma)


def random_erase(x: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """Blank out one random rectangle per image (with probability p): occlusion robustness."""
    n, _, h, w = x.shape
    device = x.device
    area = _uniform(n, *cfg.erase_area, device, generator) * h * w
    log_ratio = _uniform(n, math.log(0.3), math.log(3.3), device, generator)
    ratio = torch.exp(log_ratio)
    eh = (area * ratio).sqrt().clamp(1, h)
    ew = (area / ratio).sqrt().clamp(1, w)
    top = torch.rand(n, device=device, generator=generator) * (h - eh)
    left = torch.rand(n, device=device, generator=generator) * (w - ew)
    rows = torch.arange(h, device=device).view(1, h, 1)
    cols = torch.arange(w, device=device).view(1, 1, w)
    inside = (
        (rows >= top.view(-1, 1, 1))
        & (rows < (top + eh).view(-1, 1, 1))
        & (cols >= left.view(-1, 1, 1))
        & (cols < (left + ew).view(-1, 1, 1))
    )
    apply = torch.rand(n, device=device, generator=generator) < cfg.erase_probability
    mask = (inside & apply.view(-1, 1, 1)).unsqueeze(1)
    fill = torch.rand(x.shape, device=device, generator=generator) * 255.0
    return torch.where(mask, fill, x)


def augment_batch(x_uint8: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """[B,48,48] uint8 → [B,1,48,48] float in 0..255, augmented."""
    x = x_uint8.unsqueeze(1).float()
    x = random_affine(x, cfg, generator)
    x = random_gamma(x, cfg, generator)
    return random_erase(x, cfg, generator)
