"""TORCH_THREADS and EMOTION_MODEL_INT8 are settings, and emotions/predictor.py hands them to emotions/ml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from emotions import predictor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
_PROBE = "from burnout_site import settings as s; print(s.TORCH_THREADS, s.EMOTION_MODEL_INT8)"


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {"PATH": os.environ.get("PATH", ""), "ENV_FILE": os.devnull, "DEBUG": "1", **env}
    return subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "1 True"),
        ({"TORCH_THREADS": "", "EMOTION_MODEL_INT8": ""}, "1 True"),
        ({"TORCH_THREADS": "4", "EMOTION_MODEL_INT8": "0"}, "4 False"),
        ({"EMOTION_MODEL_INT8": "1"}, "1 True"),
    ],
)
def test_the_settings_read_both_values(env: dict[str, str], expected: str) -> None:
    done = _settings(**env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


@pytest.mark.parametrize("threads", ["0", "-2"])
def test_torch_threads_below_one_refuses_to_start(threads: str) -> None:
    done = _settings(TORCH_THREADS=threads)
    assert done.returncode != 0
    assert f"TORCH_THREADS must be at least 1, got {threads}" in done.stderr


def test_the_predictor_gets_the_settings_unless_the_caller_names_its_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(predictor.ml_predictor, "get_predictor", lambda path, **options: calls.append((path, options)))
    with override_settings(TORCH_THREADS=3, EMOTION_MODEL_INT8=False):
        predictor.get_predictor("weights.pt")
        predictor.get_predictor("weights.pt", threads=8)
    assert calls == [("weights.pt", {"threads": 3, "int8": False}), ("weights.pt", {"threads": 8, "int8": False})]
