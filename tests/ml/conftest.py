from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
