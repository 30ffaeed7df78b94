"""Snapshot-ensemble fine-tuning from the shipped weights, on selfie-like crops, resumable over days.

    python -m emotions.ml.finetune --data ../shared/data/fer2013            # CPU; run again to continue
    python -m emotions.ml.finetune --data ../shared/data/fer2013 --device cuda

Starts from --from (the shipped float weights) and runs --cycles cosine cycles of --cycle-epochs each
(Huang et al., "Snapshot Ensembles", 2017): the learning rate restarts at --lr and decays to zero; at the
end of every cycle the network is saved as a snapshot (a weights file of the current format, temperature 1:
calibrate what you ship with `python -m emotions.ml.calibrate`). The snapshots are the members of an
ensemble, or the teachers of a distilled network, for the next model version.

Training faces go through emotions.ml.selfie_augment (crop jitter as haarcascade's box moves, low light,
colour-to-grey, blur, noise, JPEG), the loss weights classes by (largest class / class)^--balance so that
angry, disgust and fear count more, and every epoch logs public_test accuracy and per-class recall (one
JSON line, also appended to log.jsonl beside the state: `python -m emotions.ml.report --train-log` draws it).

Everything lives in --checkpoint-dir (default ~/.cache/burnout/train/<--run>, outside the work tree):
state.pt (model, optimizer, position, random state; written every --state-every batches and at every
epoch's end), snapshot-<k>.pt, best.pt (best public_test accuracy) and log.jsonl. The same command
continues where it stopped, mid-epoch included; --max-minutes ends a session cleanly.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .data import Split, load_eval_split, load_train
from .labels import CLASSES, NUM_CLASSES
from .model import load_weights, save_weights
from .selfie_augment import SelfieConfig, selfie_batch
from .train import build_optimizer, predict_probabilities, seed_everything, soft_targets

DEFAULT_ROOT = Path.home() / ".cache" / "burnout" / "train"
DEFAULT_FROM = Path(__file__).resolve().parent / "weights" / "emotion_resnet.pt"


@dataclass
class FinetuneState:
    epoch: int = 0  # epochs finished
    batch: int = 0  # batches finished in the current epoch
    step: int = 0  # batches finished in all
    snapshots: int = 0
    best_accuracy: float = -1.0
    seconds: float = 0.0  # training time over all sessions


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="FER2013 folder (or a pack from emotions.ml.data)")
    p.add_argument("--from", dest="start", type=Path, default=DEFAULT_FROM, help="weights to start from")
    p.add_argument("--run", default="finetune", help="name of the run: its folder under ~/.cache/burnout/train")
    p.add_argument("--checkpoint-dir", type=Path, default=None, help="default ~/.cache/burnout/train/<run>")
    p.add_argument("--device", default="cpu", help="cpu, or cuda on a GPU machine")
    p.add_argument("--cycles", type=int, default=5, help="snapshots to make")
    p.add_argument("--cycle-epochs", type=int, default=4)
    p.add_argument("--lr", type=float, default=0.01, help="learning rate at each cycle's restart")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--balance", type=float, default=0.5, help="class weight power: 0 off, 1 inverse frequency")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-amp", action="store_true", help="fp32 instead of bfloat16 autocast")
    p.add_argument("--threads", type=int, default=0, help="torch threads on the CPU (0: torch's default)")
    p.add_argument("--max-minutes", type=float, default=0.0, help="end this session after N minutes (0: no limit)")
    p.add_argument("--state-every", type=int, default=50, help="write state.pt every N batches")
    p.add_argument("--limit-train", type=int, default=0, help="use only the first N training images (tests)")
    p.add_argument("--max-batches", type=int, default=0, help="batches per epoch cap (tests)")
    return p.parse_args(argv)


def class_weights(labels: np.ndarray, power: float) -> torch.Tensor:
    """(largest class count / class count)^power, scaled so an average training face weighs 1."""
    counts = np.bincount(labels, minlength=NUM_CLASSES).astype(np.float64)
    weights = np.where(counts > 0, (counts.max() / np.maximum(counts, 1)) ** power, 0.0)
    weights *= counts.sum() / max((weights * counts).sum(), 1e-12)
    return torch.tensor(weights, dtype=torch.float32)


def cyclic_lr(step: int, steps_per_cycle: int, lr: float) -> float:
    """Cosine from lr to 0 within each cycle, restarting at lr (snapshot ensembles)."""
    position = (step % steps_per_cycle) / steps_per_cycle
    return lr * 0.5 * (1 + math.cos(math.pi * position))


def public_metrics(model: torch.nn.Module, split: Split, device: torch.device, amp: bool) -> dict[str, Any]:
    """Mirror-averaged accuracy and per-class recall on public_test (the predictor's views, in short)."""
    images = torch.from_numpy(split.images).to(device)
    probabilities = predict_probabilities(model, images, amp=amp)
    probabilities += predict_probabilities(model, torch.flip(images, dims=[2]), amp=amp)
    predicted = probabilities.argmax(1).cpu().numpy()
    labels = split.labels
    recall = {
        name: round(float((predicted[labels == i] == i).mean()), 4) if (labels == i).any() else None
        for i, name in enumerate(CLASSES)
    }
    return {"public_acc_flip": round(float((predicted == labels).mean()), 4), "public_recall": recall}


class Session:
    """One run of the command: loads or creates the state, trains until done or out of time."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.device = torch.device(args.device)
        self.amp = not args.no_amp
        self.folder = args.checkpoint_dir or DEFAULT_ROOT / args.run
        self.folder.mkdir(parents=True, exist_ok=True)
        seed_everything(args.seed)
        start = load_weights(args.start)
        self.base_version = start.model_version
        self.model = start.model.to(self.device).to(memory_format=torch.channels_last)
        self.optimizer = build_optimizer(self.model, args)
        self.rng = np.random.default_rng(args.seed)
        self.state = FinetuneState()
        train = load_train(args.data)
        end = args.limit_train or len(train)
        self.images, self.labels = train.images[:end], train.labels[:end]
        self.public = load_eval_split(args.data, "public_test")
        self.weights = class_weights(self.labels, args.balance).to(self.device)
        self.steps_per_epoch = len(self.labels) // args.batch_size
        if args.max_batches:
            self.steps_per_epoch = min(self.steps_per_epoch, args.max_batches)
        if self.steps_per_epoch < 1:
            raise SystemExit(f"fewer training faces ({len(self.labels)}) than one batch ({args.batch_size})")
        self.augment = SelfieConfig()

    @property
    def total_epochs(self) -> int:
        return self.args.cycles * self.args.cycle_epochs

    # --- state -------------------------------------------------------------------------------------------

    def save_state(self) -> None:
        payload = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "state": asdict(self.state),
            "rng": self.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
            "start": str(self.args.start),
            "base_model_version": self.base_version,
        }
        tmp = self.folder / "state.pt.tmp"
        torch.save(payload, tmp)
        tmp.replace(self.folder / "state.pt")  # a killed session never leaves half a state

    def resume(self) -> bool:
        path = self.folder / "state.pt"
        if not path.is_file():
            return False
        saved = torch.load(path, map_location=self.device, weights_only=False)
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.state = FinetuneState(**saved["state"])
        self.rng.bit_generator.state = saved["rng"]
        torch.set_rng_state(saved["torch_rng"].cpu())  # map_location may have moved it to the GPU
        self.base_version = saved.get("base_model_version", self.base_version)
        return True

    # --- training ----------------------------------------------------------------------------------------

    def epoch_order(self, epoch: int) -> np.ndarray:
        # A fixed permutation per epoch: a session resumed mid-epoch continues the same order.
        return np.random.default_rng([self.args.seed, epoch]).permutation(len(self.labels))

    def train_batch(self, index: np.ndarray) -> tuple[float, int]:
        faces = selfie_batch(self.images[index], self.rng, self.augment)
        x = torch.from_numpy(faces).to(self.device).unsqueeze(1).float().contiguous(memory_format=torch.channels_last)
        labels = torch.from_numpy(self.labels[index]).to(self.device)
        targets = soft_targets(labels, None, ferplus_weight=0.0, smoothing=self.args.label_smoothing)
        steps_per_cycle = self.args.cycle_epochs * self.steps_per_epoch
        for group in self.optimizer.param_groups:
            group["lr"] = cyclic_lr(self.state.step, steps_per_cycle, self.args.lr)
        self.model.train()
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp):
            logits = self.model(x)
        per_face = torch.sum(-targets * F.log_softmax(logits.float(), dim=1), dim=1)
        weights = self.weights[labels]
        loss = (per_face * weights).sum() / weights.sum()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.item(), int((logits.argmax(1) == labels).sum())

    def run_epoch(self, deadline: float) -> dict[str, Any] | None:
        """Train the rest of the current epoch; None if the session's time ran out first."""
        order = self.epoch_order(self.state.epoch)
        size = self.args.batch_size
        losses, correct, seen = [], 0, 0
        while self.state.batch < self.steps_per_epoch:
            started = time.monotonic()
            index = order[self.state.batch * size : (self.state.batch + 1) * size]
            loss, right = self.train_batch(index)
            losses.append(loss)
            correct, seen = correct + right, seen + len(index)
            self.state.batch += 1
            self.state.step += 1
            self.state.seconds += time.monotonic() - started
            if self.state.batch % self.args.state_every == 0:
                self.save_state()
            if time.monotonic() > deadline and self.state.batch < self.steps_per_epoch:
                self.save_state()
                return None
        self.state.epoch += 1
        self.state.batch = 0
        return {
            "epoch": self.state.epoch,
            "of": self.total_epochs,
            # Over this session's part of the epoch when it was resumed mid-way.
            "loss": round(float(np.mean(losses)), 4) if losses else None,
            "train_acc": round(correct / seen, 4) if seen else None,
            "lr": round(self.optimizer.param_groups[0]["lr"], 6),
        }

    def end_of_epoch(self, record: dict[str, Any]) -> None:
        metrics = public_metrics(self.model, self.public, self.device, self.amp)
        record.update(metrics)
        accuracy = metrics["public_acc_flip"]
        metadata = {
            "base_model_version": self.base_version,
            "epoch": self.state.epoch,
            "public_test_accuracy_flip": accuracy,
            "public_test_recall_flip": metrics["public_recall"],
            "recipe": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(self.args).items()},
        }
        if self.state.epoch % self.args.cycle_epochs == 0:
            self.state.snapshots += 1
            name = f"snapshot-{self.state.snapshots}.pt"
            version = f"{self.base_version}-ft{self.args.seed}-snap{self.state.snapshots}"
            save_weights(self.folder / name, self.model, model_version=version, metadata=metadata)
            record["snapshot"] = name
        if accuracy > self.state.best_accuracy:
            self.state.best_accuracy = accuracy
            version = f"{self.base_version}-ft{self.args.seed}-e{self.state.epoch}"
            save_weights(self.folder / "best.pt", self.model, model_version=version, metadata=metadata)
        record["hours"] = round(self.state.seconds / 3600, 3)
        self.save_state()
        self.log(record, to_file=True)

    def log(self, record: dict[str, Any], *, to_file: bool = False) -> None:
        line = json.dumps(record)
        print(line, flush=True)
        if to_file:
            with open(self.folder / "log.jsonl", "a") as handle:
                handle.write(line + "\n")

    def run(self) -> FinetuneState:
        started = time.monotonic()
        deadline = started + self.args.max_minutes * 60 if self.args.max_minutes else math.inf
        resumed = self.resume()
        self.log(
            {
                "event": "resumed" if resumed else "start",
                "folder": str(self.folder),
                "epoch": self.state.epoch,
                "batch": self.state.batch,
                "of": self.total_epochs,
                "train_images": len(self.labels),
                "class_weights": dict(zip(CLASSES, [round(w, 3) for w in self.weights.tolist()], strict=True)),
                "device": str(self.device),
            }
        )
        while self.state.epoch < self.total_epochs:
            record = self.run_epoch(deadline)
            if record is None:
                break
            self.end_of_epoch(record)
            if time.monotonic() > deadline:
                break
        done = self.state.epoch >= self.total_epochs
        self.log(
            {
                "event": "done" if done else "paused",
                "epoch": self.state.epoch,
                "batch": self.state.batch,
                "snapshots": self.state.snapshots,
                "best_public_acc_flip": self.state.best_accuracy,
                "continue_with": "the same command" if not done else "more --cycles to go on",
            }
        )
        return self.state


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    Session(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
