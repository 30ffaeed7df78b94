"""FER2013 on disk → in-memory uint8 arrays, with the dataset's known defects removed.

The training set is kept as one uint8 array [N, 48, 48] (≈65 MB) and augmented
batch-wise on the training device, which is far faster than a per-image loader.

A *pack* is the same data as one .npz of the original JPEG bytes (lossless, ~50 MB):
it travels to a training machine more easily than 30 000 small files.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .labels import CLASSES, NUM_CLASSES, class_index

# FER+ vote columns in our class order (contempt, unknown and "not a face" are left out).
FERPLUS_VOTE_COLUMNS = (
    "votes_anger",
    "votes_disgust",
    "votes_fear",
    "votes_happiness",
    "votes_sadness",
    "votes_surprise",
    "votes_neutral",
)
BLANK_STD_THRESHOLD = 1.0
TEST_SPLITS = ("public_test", "private_test")


@dataclass
class Split:
    """Images [N, 48, 48] uint8, labels [N] int64, FER+ vote distributions [N, 7] (NaN rows: no votes)."""

    images: np.ndarray
    labels: np.ndarray
    soft: np.ndarray | None = None
    relpaths: list[str] | None = None

    def __len__(self) -> int:
        return len(self.labels)


def _read_quality(data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / "quality.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def training_relpaths(data_dir: Path) -> list[str]:
    """Train images minus blank frames and minus pixel copies of any test image (leakage)."""
    rows = _read_quality(data_dir)
    test_pixels = {row["md5px"] for row in rows if row["split"] in TEST_SPLITS}
    return [
        row["relpath"]
        for row in rows
        if row["split"] == "train" and float(row["std"]) >= BLANK_STD_THRESHOLD and row["md5px"] not in test_pixels
    ]


def split_relpaths(data_dir: Path, split: str) -> list[str]:
    """Every image of a test split, as the literature scores it (nothing dropped)."""
    return sorted(str(path.relative_to(data_dir)) for path in (data_dir / split).glob("*/*") if path.is_file())


def _label_of(relpath: str) -> int:
    index = class_index(Path(relpath).parent.name)
    if index is None:
        raise ValueError(f"unknown class folder in {relpath}")
    return index


def decode_grey48(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        grey = image.convert("L")
        if grey.size != (48, 48):
            grey = grey.resize((48, 48), Image.Resampling.BILINEAR)
        return np.asarray(grey, dtype=np.uint8)


def ferplus_distributions(data_dir: Path, relpaths: list[str]) -> np.ndarray:
    """FER+ annotators' vote shares per image over our 7 classes; NaN where FER+ has no votes."""
    votes_by_path: dict[str, list[float]] = {}
    votes_file = data_dir / "ferplus_votes.csv"
    if votes_file.is_file():
        with open(votes_file, newline="") as handle:
            for row in csv.DictReader(handle):
                votes_by_path[row["fer2013_file"]] = [float(row[c]) for c in FERPLUS_VOTE_COLUMNS]
    soft = np.full((len(relpaths), NUM_CLASSES), np.nan, dtype=np.float32)
    for i, relpath in enumerate(relpaths):
        votes = votes_by_path.get(relpath)
        if votes is not None and sum(votes) > 0:
            soft[i] = np.asarray(votes, dtype=np.float32) / sum(votes)
    return soft


def _load(data_dir: Path, relpaths: list[str], *, with_soft: bool) -> Split:
    images = np.stack([decode_grey48((data_dir / p).read_bytes()) for p in relpaths])
    labels = np.asarray([_label_of(p) for p in relpaths], dtype=np.int64)
    soft = ferplus_distributions(data_dir, relpaths) if with_soft else None
    return Split(images=images, labels=labels, soft=soft, relpaths=relpaths)


def load_train(data_dir: Path) -> Split:
    data_dir = Path(data_dir)
    if data_dir.is_file():
        return load_pack_split(data_dir, "train")
    return _load(data_dir, training_relpaths(data_dir), with_soft=True)


def load_eval_split(data_dir: Path, split: str) -> Split:
    data_dir = Path(data_dir)
    if data_dir.is_file():
        return load_pack_split(data_dir, split)
    return _load(data_dir, split_relpaths(data_dir, split), with_soft=False)


# --- packs -------------------------------------------------------------------


def write_pack(data_dir: Path, out: Path, splits: tuple[str, ...] = ("train", "public_test")) -> None:
    arrays: dict[str, np.ndarray] = {}
    for split in splits:
        relpaths = training_relpaths(data_dir) if split == "train" else split_relpaths(data_dir, split)
        blobs = [(data_dir / p).read_bytes() for p in relpaths]
        arrays[f"{split}_jpeg"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        arrays[f"{split}_offsets"] = np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64)
        arrays[f"{split}_labels"] = np.asarray([_label_of(p) for p in relpaths], dtype=np.int64)
        if split == "train":
            arrays["train_soft"] = ferplus_distributions(data_dir, relpaths).astype(np.float16)
    np.savez(out, **arrays)


def load_pack_split(pack: Path, split: str) -> Split:
    with np.load(pack) as arrays:
        if f"{split}_jpeg" not in arrays:
            raise KeyError(f"pack {pack} has no split {split}")
        blob = arrays[f"{split}_jpeg"].tobytes()
        offsets = arrays[f"{split}_offsets"]
        labels = arrays[f"{split}_labels"]
        soft = arrays["train_soft"].astype(np.float32) if split == "train" else None
    images = np.stack([decode_grey48(blob[a:b]) for a, b in itertools.pairwise(offsets)])
    return Split(images=images, labels=labels, soft=soft)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Pack FER2013 folders into one .npz of JPEG bytes.")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--splits", nargs="+", default=["train", "public_test"])
    args = parser.parse_args(argv)
    write_pack(args.data, args.out, tuple(args.splits))
    print(f"packed {', '.join(args.splits)} into {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    print("classes:", ", ".join(CLASSES))


if __name__ == "__main__":
    main()
