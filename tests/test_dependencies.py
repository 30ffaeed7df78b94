"""Dependencies point one way, telegram_bridge → emotions → accounts: the core hands work to channels only
through the registry in accounts/channels.py, never by importing them (shared/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"accounts": {"emotions", "telegram_bridge"}, "emotions": {"telegram_bridge"}}


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_the_core_never_imports_what_depends_on_it(app: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & FORBIDDEN[app])
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: apps for path, apps in wrong.items() if apps} == {}
