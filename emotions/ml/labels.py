"""The seven FER2013 classes, their valence and the folder-name aliases."""

from __future__ import annotations

from collections.abc import Sequence

# FER2013's own order: class index i in every checkpoint means CLASSES[i].
CLASSES: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
NUM_CLASSES = len(CLASSES)
NEGATIVE_CLASSES: frozenset[str] = frozenset({"angry", "disgust", "fear", "sad"})
POSITIVE_CLASSES: frozenset[str] = frozenset({"happy"})
NEGATIVE_INDICES: tuple[int, ...] = tuple(i for i, name in enumerate(CLASSES) if name in NEGATIVE_CLASSES)

# Other datasets name their folders differently; these spellings map onto ours.
CLASS_ALIASES: dict[str, str] = {
    "anger": "angry",
    "sadness": "sad",
    "happiness": "happy",
    "surprised": "surprise",
    "disgusted": "disgust",
    "fearful": "fear",
}


def class_index(folder_name: str) -> int | None:
    """Index of a class from a folder name (case-insensitive, aliases accepted), None if unknown."""
    name = folder_name.strip().lower()
    name = CLASS_ALIASES.get(name, name)
    return CLASSES.index(name) if name in CLASSES else None


def valence_of(label: str) -> str:
    """positive / neutral / negative, as the product reports it."""
    if label in NEGATIVE_CLASSES:
        return "negative"
    if label in POSITIVE_CLASSES:
        return "positive"
    return "neutral"


def negativity(probabilities: Sequence[float]) -> float:
    """Probability mass on the negative classes."""
    return float(sum(probabilities[i] for i in NEGATIVE_INDICES))
