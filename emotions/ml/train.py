"""Train the emotion ResNet on FER2013.

    python -m emotions.ml.train --data ../shared/data/fer2013 --out emotions/ml/weights/emotion_resnet.pt

Leaked and blank images are dropped from train (see data.py); checkpoints are chosen
on public_test only. One log line per epoch. Every epoch writes a resumable state
to --checkpoint-dir (outside the work tree by default); run the same command again
to continue. --device cuda uses a GPU when there is one. The weights file it writes is uncalibrated
(temperature 1): quantize it, then fit its temperature with `python -m emotions.ml.calibrate`.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .augment import AugmentConfig, augment_batch
from .data import Split, load_eval_split, load_train
from .labels import NUM_CLASSES
from .model import ArchConfig, EmotionResNet, save_weights

DEFAULT_CHECKPOINT_ROOT = Path.home() / ".cache" / "burnout-emotion-training"


@dataclass
class TrainState:
    epoch: int = 0  # epochs finished
    total_epochs: int = 0  # 0 until chosen (time budget)
    best_accuracy: float = -1.0
    best_epoch: int = 0
    step: int = 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="FER2013 folder (or a pack from emotions.ml.data)")
    p.add_argument("--out", type=Path, required=True, help="weights file to write (best epoch on public_test)")
    p.add_argument("--checkpoint-dir", type=Path, default=None, help="resumable state; default ~/.cache/...")
    p.add_argument("--device", default="cpu")
    p.add_argument("--epochs", type=int, default=0, help="total epochs (0: choose from --time-budget)")
    p.add_argument("--time-budget", type=float, default=0.0, help="seconds; sets --epochs after epoch 1")
    p.add_argument("--max-epochs", type=int, default=400)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--warmup-epochs", type=float, default=3.0)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--ferplus-weight", type=float, default=0.0, help="share of FER+ vote distribution in targets")
    p.add_argument("--ema-decay", type=float, default=0.999)
    p.add_argument("--widths", type=int, nargs="+", default=list(ArchConfig().widths))
    p.add_argument("--blocks", type=int, nargs="+", default=list(ArchConfig().blocks))
    p.add_argument("--stem-width", type=int, default=ArchConfig().stem_width)
    p.add_argument("--dropout", type=float, default=ArchConfig().dropout)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-amp", action="store_true", help="fp32 instead of bfloat16 autocast")
    p.add_argument("--limit-train", type=int, default=0, help="use only the first N training images (tests)")
    p.add_argument("--max-batches", type=int, default=0, help="batches per epoch cap (tests)")
    p.add_argument("--state-every", type=int, default=1, help="write the resumable state every N epochs")
    p.add_argument("--model-version", default="")
    args = p.parse_args(argv)
    if not args.epochs and not args.time_budget:
        p.error("give --epochs or --time-budget")
    return args


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def soft_targets(
    labels: torch.Tensor, soft: torch.Tensor | None, *, ferplus_weight: float, smoothing: float
) -> torch.Tensor:
    """One-hot FER2013 label, optionally blended with the FER+ vote shares, then label-smoothed."""
    targets = F.one_hot(labels, NUM_CLASSES).float()
    if soft is not None and ferplus_weight > 0:
        has_votes = ~torch.isnan(soft).any(dim=1, keepdim=True)
        blended = (1 - ferplus_weight) * targets + ferplus_weight * torch.nan_to_num(soft)
        targets = torch.where(has_votes, blended, targets)
    return targets * (1 - smoothing) + smoothing / NUM_CLASSES


def learning_rate(step: int, steps_per_epoch: int, state: TrainState, args: argparse.Namespace) -> float:
    """Linear warm-up, then cosine decay to zero over the chosen number of epochs."""
    warmup = max(1, int(args.warmup_epochs * steps_per_epoch))
    if step < warmup:
        return args.lr * (step + 1) / warmup
    total = max(warmup + 1, (state.total_epochs or args.max_epochs) * steps_per_epoch)
    progress = min(1.0, (step - warmup) / (total - warmup))
    return args.lr * 0.5 * (1 + math.cos(math.pi * progress))


def build_optimizer(model: nn.Module, args: argparse.Namespace) -> torch.optim.Optimizer:
    # No weight decay on BatchNorm and biases: decaying them only hurts.
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.SGD(groups, lr=args.lr, momentum=0.9, nesterov=True)


@torch.no_grad()
def update_ema(ema: nn.Module, model: nn.Module, decay: float) -> None:
    ema_tensors = [t for t in ema.state_dict().values() if t.is_floating_point()]
    model_tensors = [t for t in model.state_dict().values() if t.is_floating_point()]
    torch._foreach_lerp_(ema_tensors, model_tensors, 1 - decay)


@torch.no_grad()
def predict_probabilities(model: nn.Module, images: torch.Tensor, *, amp: bool, batch: int = 1024) -> torch.Tensor:
    """Softmax over [N,48,48] uint8 images."""
    model.eval()
    out = []
    for start in range(0, len(images), batch):
        x = images[start : start + batch].unsqueeze(1).float().contiguous(memory_format=torch.channels_last)
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=amp):
            out.append(model(x).float().softmax(1))
    return torch.cat(out)


def evaluate(model: nn.Module, split: Split, device: torch.device, amp: bool) -> dict[str, float]:
    images = torch.from_numpy(split.images).to(device)
    labels = torch.from_numpy(split.labels).to(device)
    plain = predict_probabilities(model, images, amp=amp)
    mirrored = predict_probabilities(model, torch.flip(images, dims=[2]), amp=amp)
    return {
        "accuracy": (plain.argmax(1) == labels).float().mean().item(),
        # Mirror averaging, as the predictor does in production.
        "accuracy_flip": ((plain + mirrored).argmax(1) == labels).float().mean().item(),
    }


def train_one_epoch(
    model: nn.Module,
    ema: nn.Module,
    optimizer: torch.optim.Optimizer,
    train: dict[str, torch.Tensor],
    state: TrainState,
    args: argparse.Namespace,
    generator: torch.Generator,
    shuffle_generator: torch.Generator,
) -> tuple[float, float]:
    model.train()
    n = len(train["labels"])
    order = torch.randperm(n, generator=shuffle_generator).to(train["labels"].device)
    steps_per_epoch = n // args.batch_size
    if args.max_batches:
        steps_per_epoch = min(steps_per_epoch, args.max_batches)
    amp = not args.no_amp
    loss_sum = torch.zeros((), device=order.device)
    correct = torch.zeros((), device=order.device)
    for i in range(steps_per_epoch):
        idx = order[i * args.batch_size : (i + 1) * args.batch_size]
        x = augment_batch(train["images"][idx], AUGMENT, generator).contiguous(memory_format=torch.channels_last)
        soft = train["soft"][idx] if train.get("soft") is not None else None
        targets = soft_targets(
            train["labels"][idx], soft, ferplus_weight=args.ferplus_weight, smoothing=args.label_smoothing
        )
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(state.step, steps_per_epoch, state, args)
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=amp):
            logits = model(x)
        loss = torch.sum(-targets * F.log_softmax(logits.float(), dim=1), dim=1).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        update_ema(ema, model, min(args.ema_decay, (1 + state.step) / (10 + state.step)))
        state.step += 1
        loss_sum += loss.detach()
        correct += (logits.argmax(1) == train["labels"][idx]).sum()
    return loss_sum.item() / steps_per_epoch, correct.item() / (steps_per_epoch * args.batch_size)


AUGMENT = AugmentConfig()


def checkpoint_dir_for(args: argparse.Namespace) -> Path:
    if args.checkpoint_dir:
        return args.checkpoint_dir
    return DEFAULT_CHECKPOINT_ROOT / args.out.stem


def save_state(
    path: Path,
    model: nn.Module,
    ema: nn.Module,
    optimizer: torch.optim.Optimizer,
    state: TrainState,
    generator: torch.Generator,
    shuffle_generator: torch.Generator,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "ema": ema.state_dict(),
            "optimizer": optimizer.state_dict(),
            "state": asdict(state),
            "generator": generator.get_state(),
            "shuffle_generator": shuffle_generator.get_state(),
        },
        tmp,
    )
    tmp.replace(path)


def load_state(
    path: Path,
    model: nn.Module,
    ema: nn.Module,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    shuffle_generator: torch.Generator,
) -> TrainState:
    saved = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(saved["model"])
    ema.load_state_dict(saved["ema"])
    optimizer.load_state_dict(saved["optimizer"])
    generator.set_state(saved["generator"])
    shuffle_generator.set_state(saved["shuffle_generator"])
    return TrainState(**saved["state"])


def to_device(split: Split, device: torch.device, limit: int = 0) -> dict[str, torch.Tensor]:
    end = limit or len(split)
    tensors = {
        "images": torch.from_numpy(split.images[:end]).to(device),
        "labels": torch.from_numpy(split.labels[:end]).to(device),
    }
    if split.soft is not None:
        tensors["soft"] = torch.from_numpy(split.soft[:end]).to(device)
    return tensors


def choose_total_epochs(args: argparse.Namespace, elapsed: float, epoch_seconds: float) -> int:
    if args.epochs:
        return args.epochs
    remaining = max(0.0, args.time_budget - elapsed)
    return int(max(1, min(args.max_epochs, 1 + remaining // max(epoch_seconds, 1e-3))))


def log(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def run(args: argparse.Namespace) -> TrainState:
    started = time.monotonic()
    seed_everything(args.seed)
    device = torch.device(args.device)
    torch.backends.cudnn.benchmark = True
    train_split = load_train(args.data)
    public = load_eval_split(args.data, "public_test")
    train = to_device(train_split, device, args.limit_train)
    arch = ArchConfig(
        widths=tuple(args.widths), blocks=tuple(args.blocks), stem_width=args.stem_width, dropout=args.dropout
    )
    model = EmotionResNet(arch).to(device).to(memory_format=torch.channels_last)
    ema = copy.deepcopy(model)
    optimizer = build_optimizer(model, args)
    generator = torch.Generator(device=device).manual_seed(args.seed)
    shuffle_generator = torch.Generator().manual_seed(args.seed + 1)
    state_path = checkpoint_dir_for(args) / "last.pt"
    state = TrainState()
    if state_path.is_file():
        state = load_state(state_path, model, ema, optimizer, generator, shuffle_generator)
        if args.epochs:
            # An explicit --epochs wins over the saved plan: that is how a finished run is extended.
            state.total_epochs = args.epochs
        log({"event": "resumed", "from": str(state_path), "epoch": state.epoch})
    log(
        {
            "event": "start",
            "train_images": len(train["labels"]),
            "public_test": len(public),
            "device": str(device),
            "params": sum(p.numel() for p in model.parameters()),
        }
    )
    amp = not args.no_amp
    version = args.model_version or f"emotion-resnet-{datetime.now(UTC):%Y%m%d}-s{args.seed}"
    while state.total_epochs == 0 or state.epoch < state.total_epochs:
        epoch_started = time.monotonic()
        loss, train_acc = train_one_epoch(model, ema, optimizer, train, state, args, generator, shuffle_generator)
        metrics = evaluate(ema, public, device, amp)
        state.epoch += 1
        if state.total_epochs == 0:
            state.total_epochs = choose_total_epochs(args, time.monotonic() - started, time.monotonic() - epoch_started)
        if metrics["accuracy_flip"] > state.best_accuracy:
            state.best_accuracy, state.best_epoch = metrics["accuracy_flip"], state.epoch
            save_weights(
                args.out,
                ema,
                model_version=version,
                metadata={
                    "public_test_accuracy": metrics["accuracy"],
                    "public_test_accuracy_flip": metrics["accuracy_flip"],
                    "epoch": state.epoch,
                    "total_epochs": state.total_epochs,
                    "train_images": len(train["labels"]),
                    "recipe": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                },
            )
        if state.epoch % args.state_every == 0 or state.epoch == state.total_epochs:
            save_state(state_path, model, ema, optimizer, state, generator, shuffle_generator)
        log(
            {
                "epoch": state.epoch,
                "of": state.total_epochs,
                "loss": round(loss, 4),
                "train_acc": round(train_acc, 4),
                "public_acc": round(metrics["accuracy"], 4),
                "public_acc_flip": round(metrics["accuracy_flip"], 4),
                "lr": round(optimizer.param_groups[0]["lr"], 5),
                "seconds": round(time.monotonic() - epoch_started, 1),
            }
        )
    log(
        {
            "event": "done",
            "best_epoch": state.best_epoch,
            "best_public_acc_flip": state.best_accuracy,
            "weights": str(args.out),
            "minutes": round((time.monotonic() - started) / 60, 1),
        }
    )
    return state


def main(argv: list[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
