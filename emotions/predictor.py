"""The emotion model as the product runs it: `emotions.ml.predictor.get_predictor` with the settings filled in.

emotions/ml is a plain library that reads no settings; this is the one place that hands it TORCH_THREADS and
EMOTION_MODEL_INT8. Import it inside the function that needs the model: it loads numpy and OpenCV (and the
predictor loads torch), which Django must not import at start-up.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from emotions.ml import predictor as ml_predictor


def get_predictor(weights_path: str | Path, *, threads: int | None = None) -> ml_predictor.Predictor:
    """The process's predictor for these weights: `threads` torch threads (default TORCH_THREADS), int8
    unless EMOTION_MODEL_INT8 is off. Loaded once per process (emotions.ml.predictor caches it)."""
    return ml_predictor.get_predictor(
        weights_path, threads=threads or settings.TORCH_THREADS, int8=settings.EMOTION_MODEL_INT8
    )
