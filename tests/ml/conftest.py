from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

FACES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "faces"
WEIGHTS = Path(__file__).resolve().parents[2] / "emotions" / "ml" / "weights" / "emotion_resnet.pt"


def face_files() -> list[Path]:
    return sorted(FACES_DIR.glob("*.jpg"))


@pytest.fixture
def class_folder(tmp_path: Path) -> Path:
    """A small `<class>/<image>` dataset: our names, an alias and a folder we do not know."""
    root = tmp_path / "dataset"
    for path in face_files():
        label = path.name.split("_", 1)[0]
        folder = {"happy": "Happiness", "surprise": "surprised"}.get(label, label)
        (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / folder / path.name)
    (root / "contempt").mkdir()
    shutil.copy(face_files()[0], root / "contempt" / "x.jpg")
    return root


def shipped_faces() -> np.ndarray:
    return np.stack([np.asarray(Image.open(path).convert("L").resize((48, 48))) for path in face_files()])


def padded_face(path: Path, scale: int = 4, pad: int = 48) -> np.ndarray:
    """A FER face as a photo: upscaled and centred on a grey canvas, large enough for the detector."""
    grey = Image.open(path).convert("L").resize((48 * scale, 48 * scale), Image.Resampling.BICUBIC)
    canvas = Image.new("L", (48 * scale + 2 * pad, 48 * scale + 2 * pad), 128)
    canvas.paste(grey, (pad, pad))
    return np.asarray(canvas)


def fake_fer(root: Path) -> Path:
    """train/public_test/private_test folders, a quality.tsv with one leaked and one blank train image."""
    rows = ["split\tclass\trelpath\tbytes\tformat\tmode\tw\th\tstd\tmd5px\tdhash"]
    for split in ("train", "public_test", "private_test"):
        for i, path in enumerate(face_files()):
            label = path.name.split("_", 1)[0]
            relpath = f"{split}/{label}/{split}_{i}.jpg"
            (root / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, root / relpath)
            pixels = np.asarray(Image.open(path).convert("L"))
            md5 = hashlib.md5(pixels.tobytes()).hexdigest() if (split != "train" or i == 0) else f"unique{i}"
            std = 0.0 if (split == "train" and i == 1) else float(pixels.std())
            rows.append(f"{split}\t{label}\t{relpath}\t0\tJPEG\tL\t48\t48\t{std}\t{md5}\t0")
    (root / "quality.tsv").write_text("\n".join(rows) + "\n")
    return root
