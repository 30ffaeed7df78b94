"""The model card's figures, regenerated from an evaluation (and a training log, when there is one).

    python manage.py evaluate_emotion_model ../shared/data/fer2013/private_test --save-predictions /tmp/private.npz
    python -m emotions.ml.report --predictions /tmp/private.npz --out emotions/ml/weights/figures

or, without Django, straight from a weights file and a `<class>/<image>` folder (the same production predictor):

    python -m emotions.ml.report --weights emotions/ml/weights/emotion_resnet.pt \\
        --data ../shared/data/fer2013/private_test --out emotions/ml/weights/figures

Writes confusion.png (counts and row-normalised), reliability.png (before and after the temperature),
recall.png (per class), training_curves.png (only with --train-log: the JSON lines that
`emotions.ml.train` / `emotions.ml.finetune` print) and report.json (the figures' numbers).
matplotlib is a training/report requirement (requirements-dev.txt): the worker never imports this module.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from .calibration import ECE_BINS, reliability_bins
from .evaluate import Predictions, evaluation_of, predict_folder
from .labels import CLASSES

FIGURE_DPI = 110
WEAK_RECALL = 0.6


def _pyplot() -> Any:
    # Imported here: matplotlib is a report-time dependency only, and Agg needs no display.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_confusion(confusion: np.ndarray, out: Path, title: str) -> None:
    plt = _pyplot()
    support = confusion.sum(axis=1, keepdims=True)
    normalised = np.divide(confusion, support, out=np.zeros(confusion.shape), where=support > 0)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.6))
    for ax, matrix, kind in ((axes[0], confusion, "counts"), (axes[1], normalised, "share of the true class")):
        ax.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
        for (i, j), value in np.ndenumerate(matrix):
            text = f"{value:d}" if kind == "counts" else f"{value:.2f}"
            ax.text(
                j, i, text, ha="center", va="center", fontsize=8, color="white" if normalised[i, j] > 0.5 else "black"
            )
        ax.set_xticks(range(len(CLASSES)), CLASSES, rotation=45, ha="right")
        ax.set_yticks(range(len(CLASSES)), CLASSES)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{kind}")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=FIGURE_DPI)
    plt.close(fig)


def plot_reliability(predictions: Predictions, out: Path, title: str) -> dict[str, Any]:
    plt = _pyplot()
    found = predictions.found
    labels = predictions.labels[found]
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharey=True)
    tables = {}
    for ax, calibrated in zip(axes, (False, True), strict=True):
        table = reliability_bins(predictions.probabilities(calibrated=calibrated)[found], labels)
        filled = table.counts > 0
        gaps = np.abs(table.accuracy[filled] - table.confidence[filled])
        ece = float((table.counts[filled] * gaps).sum() / table.counts.sum())
        centres = (table.edges[:-1] + table.edges[1:]) / 2
        width = table.edges[1] - table.edges[0]
        ax.bar(centres[filled], table.accuracy[filled], width=width * 0.95, color="#4878a8", label="accuracy")
        # Hatched from the bin's accuracy to its mean confidence: above the bar over-confident, inside it under.
        ax.bar(
            centres[filled],
            table.confidence[filled] - table.accuracy[filled],
            bottom=table.accuracy[filled],
            width=width * 0.95,
            facecolor="none",
            edgecolor="#c03030",
            hatch="///",
            label="gap to the bin's mean confidence",
        )
        ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
        name = f"temperature {predictions.temperature:g}" if calibrated else "uncalibrated (temperature 1)"
        ax.set_title(f"{name}: ECE {ece:.3f}")
        ax.set_xlabel(f"confidence (top-class probability), {ECE_BINS} bins")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(loc="upper left", fontsize=8)
        tables["calibrated" if calibrated else "uncalibrated"] = {
            "ece": round(ece, 4),
            "counts": table.counts.tolist(),
            "confidence": [None if np.isnan(v) else round(float(v), 4) for v in table.confidence],
            "accuracy": [None if np.isnan(v) else round(float(v), 4) for v in table.accuracy],
        }
    axes[0].set_ylabel("accuracy in the bin")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=FIGURE_DPI)
    plt.close(fig)
    return tables


def plot_recall(recall: dict[str, float | None], out: Path, title: str) -> None:
    plt = _pyplot()
    values = [recall[name] or 0.0 for name in CLASSES]
    fig, ax = plt.subplots(figsize=(9, 4.6))
    bars = ax.bar(CLASSES, values, color=["#c05050" if v < WEAK_RECALL else "#4878a8" for v in values])
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.01, f"{value:.0%}", ha="center", fontsize=9)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("recall (share of the class found)")
    ax.set_title(f"{title}\n(red: below {WEAK_RECALL:.0%})", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=FIGURE_DPI)
    plt.close(fig)


def read_training_log(path: Path) -> list[dict[str, Any]]:
    """The per-epoch JSON lines of a training or fine-tuning log (other lines are skipped)."""
    records = []
    for line in Path(path).read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "epoch" in record and "event" not in record:
            records.append(record)
    if not records:
        raise ValueError(f"{path} holds no per-epoch JSON lines of emotions.ml.train or emotions.ml.finetune")
    return records


def plot_training_curves(records: list[dict[str, Any]], out: Path, title: str) -> None:
    plt = _pyplot()
    epochs = [r["epoch"] for r in records]
    # emotions.ml.finetune also logs per-class recall on public_test: a third panel when it is there.
    with_recall = any("public_recall" in r for r in records)
    fig, axes = plt.subplots(1, 3 if with_recall else 2, figsize=(18 if with_recall else 12, 4.5))
    loss_ax, acc_ax = axes[0], axes[1]
    loss_ax.plot(epochs, [r.get("loss") for r in records], label="training loss")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("loss")
    if any("lr" in r for r in records):
        lr_ax = loss_ax.twinx()
        lr_ax.plot(epochs, [r.get("lr") for r in records], color="grey", linestyle=":", label="learning rate")
        lr_ax.set_ylabel("learning rate (dotted)")
    for key, label in (
        ("train_acc", "train (augmented)"),
        ("public_acc", "public_test"),
        ("public_acc_flip", "public_test, mirror-averaged"),
    ):
        if any(key in r for r in records):
            acc_ax.plot(epochs, [r.get(key) for r in records], label=label)
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("accuracy")
    acc_ax.legend(fontsize=8)
    if with_recall:
        for name in CLASSES:
            axes[2].plot(epochs, [(r.get("public_recall") or {}).get(name) for r in records], label=name)
        axes[2].set_xlabel("epoch")
        axes[2].set_ylabel("public_test recall")
        axes[2].legend(fontsize=8, ncol=2)
    loss_ax.legend(loc="upper right", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=FIGURE_DPI)
    plt.close(fig)


def write_report(
    predictions: Predictions, out_dir: Path, *, split: str, train_log: Path | None = None
) -> dict[str, Any]:
    """Every figure into out_dir; returns (and writes as report.json) the numbers behind them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    evaluation = evaluation_of(predictions).as_dict()
    where = f"{predictions.model_version} on {split} ({len(predictions.labels)} images)"
    plot_confusion(np.asarray(evaluation["confusion"]), out_dir / "confusion.png", f"Confusion matrix: {where}")
    reliability = plot_reliability(predictions, out_dir / "reliability.png", f"Reliability: {where}")
    plot_recall(evaluation["recall"], out_dir / "recall.png", f"Per-class recall, {where}")
    report: dict[str, Any] = {"split": split, "evaluation": evaluation, "reliability": reliability}
    if train_log is not None:
        plot_training_curves(
            read_training_log(train_log), out_dir / "training_curves.png", f"Training: {train_log.name}"
        )
        report["training_log"] = str(train_log)
    (out_dir / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the model card's figures from an evaluation.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--predictions", type=Path, help=".npz from evaluate_emotion_model --save-predictions")
    source.add_argument("--data", type=Path, help="a <class>/<image> folder to evaluate now (needs --weights)")
    parser.add_argument("--weights", type=Path, help="float weights (the int8 file beside them runs when present)")
    parser.add_argument("--float", action="store_true", help="run the float network even when an int8 file exists")
    parser.add_argument("--train-log", type=Path, help="JSON lines printed by emotions.ml.train or .finetune")
    parser.add_argument("--split", default=None, help="name shown in the figures (default: the folder's name)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs and report.json")
    args = parser.parse_args(argv)
    if args.data is not None:
        if args.weights is None:
            parser.error("--data needs --weights")
        from .predictor import Predictor  # loads torch: only when evaluating here

        predictions, _skipped = predict_folder(Predictor(args.weights, int8=not args.float), args.data)
        split = args.split or args.data.name
    else:
        predictions = Predictions.load(args.predictions)
        split = args.split or args.predictions.stem
    report = write_report(predictions, args.out, split=split, train_log=args.train_log)
    print(
        json.dumps(
            {"out": str(args.out), "accuracy": report["evaluation"]["accuracy"], "ece": report["evaluation"]["ece"]}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
