"""Calibrated confidence: temperature scaling over the predictor's views, and how it is measured.

The predictor averages the softmax of several views of a face (zooms and mirrors). Temperature scaling
(Guo et al., "On Calibration of Modern Neural Networks", 2017) divides every view's logits by one scalar
T before its softmax; T is chosen to minimise the negative log-likelihood of the *view-averaged*
probabilities on public_test, i.e. of exactly what the predictor returns. T > 1 softens over-confident
probabilities, T < 1 sharpens under-confident ones (label smoothing and view averaging both soften, so
either can happen). The predicted class never changes with T when there is one view, and practically
never with several (it can only flip between near-ties).

Calibration is measured by the expected calibration error (ECE): faces are put in 15 equal-width bins by
their top-class probability (the confidence); ECE is the mean over faces of |accuracy of the bin -
mean confidence of the bin|. 0 is perfect: among faces shown "70%", 70% are right.

Plain numpy: no torch, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ECE_BINS = 15
# Search range for T (log-spaced); far wider than any sensible value, so the bounds never bind silently.
TEMPERATURE_RANGE = (0.05, 20.0)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Softmax over the last axis of logits / temperature (numerically stable)."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


def view_averaged_probabilities(view_logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """[V, N, C] logits of V views of N faces → [N, C]: the mean of the views' tempered softmaxes."""
    return softmax(view_logits, temperature).mean(axis=0)


def negative_log_likelihood(probabilities: np.ndarray, labels: np.ndarray) -> float:
    picked = probabilities[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(picked, 1e-12, None)).mean())


def fit_temperature(view_logits: np.ndarray, labels: np.ndarray, *, tolerance: float = 1e-4) -> float:
    """The T that minimises the NLL of the view-averaged tempered probabilities.

    Golden-section search on log T: the NLL of temperature scaling is unimodal in T for one view, and
    in practice for a mean of views; a grid check around the result guards against a second minimum.
    """
    labels = np.asarray(labels)
    if view_logits.ndim != 3 or view_logits.shape[1] != len(labels) or not len(labels):
        raise ValueError(f"need [views, faces, classes] logits for {len(labels)} faces, got {view_logits.shape}")

    def loss(log_t: float) -> float:
        return negative_log_likelihood(view_averaged_probabilities(view_logits, math.exp(log_t)), labels)

    low, high = (math.log(t) for t in TEMPERATURE_RANGE)
    grid = np.linspace(low, high, 61)
    best = int(np.argmin([loss(x) for x in grid]))
    low, high = grid[max(0, best - 1)], grid[min(len(grid) - 1, best + 1)]
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    loss_a, loss_b = loss(a), loss(b)
    while high - low > tolerance:
        if loss_a < loss_b:
            high, b, loss_b = b, a, loss_a
            a = high - ratio * (high - low)
            loss_a = loss(a)
        else:
            low, a, loss_a = a, b, loss_b
            b = low + ratio * (high - low)
            loss_b = loss(b)
    return round(math.exp((low + high) / 2), 4)


@dataclass(frozen=True)
class ReliabilityBins:
    """Per confidence bin: its edges, face count, mean confidence and accuracy (NaN where empty)."""

    edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray


def reliability_bins(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> ReliabilityBins:
    """Faces by top-class probability into `bins` equal-width bins over [0, 1] (right edge inclusive)."""
    probabilities, labels = np.asarray(probabilities), np.asarray(labels)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin i holds (edges[i], edges[i+1]]; a confidence of exactly 0 cannot occur for a top class.
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(index, weights=confidence, minlength=bins) / counts
        accuracy = np.bincount(index, weights=correct.astype(float), minlength=bins) / counts
    return ReliabilityBins(edges=edges, counts=counts, confidence=mean_confidence, accuracy=accuracy)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """Σ over bins of (faces in bin / all faces) × |accuracy - mean confidence| (top class, equal widths)."""
    if not len(labels):
        raise ValueError("no faces to measure calibration on")
    table = reliability_bins(probabilities, labels, bins)
    filled = table.counts > 0
    gaps = np.abs(table.accuracy[filled] - table.confidence[filled])
    return float((table.counts[filled] * gaps).sum() / table.counts.sum())
