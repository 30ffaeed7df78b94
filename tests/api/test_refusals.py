"""Every refusal code answers the status it declares in burnout_site/errors.py, and docs/api.md agrees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from burnout_site.api.exceptions import api_exception_handler
from burnout_site.errors import REFUSALS, Refusal

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"

# Codes documented outside the status table (per endpoint, or as photo rejections "a refused photo is 400"),
# and the bot's own codes, which no endpoint sends but which still answer a refused input's 400.
DOCUMENTED_ELSEWHERE = {
    "wrong_code": 400,
    "not_connected": 400,
    "already_saved": 400,
    "already_confirmed": 400,
    "empty": 400,
    "too_large": 400,
    "too_small": 400,
    "too_long_side": 400,
    "too_many_pixels": 400,
    "not_an_image": 400,
    "unsupported_format": 400,
    "damaged": 400,
    "cannot_reencode": 400,
    "unknown": 400,
    "used": 400,
    "answered": 400,
}


def _documented_statuses() -> dict[str, set[int]]:
    """The status table of docs/api.md as {code: {statuses}} (a code may be listed under two statuses)."""
    statuses: dict[str, set[int]] = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| (\d{3}(?: / \d{3})*) \| (.*) \|$", line)
        if row is None:
            continue
        for status in (int(part) for part in row.group(1).split(" / ")):
            for code in re.findall(r"`([a-z_]+)`", row.group(2)):
                statuses.setdefault(code, set()).add(status)
    return statuses


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_every_refusal_code_maps_to_its_documented_status(code: str) -> None:
    refusal = Refusal(code, "A sentence for the person.")

    response = api_exception_handler(refusal, {"request": None})

    declared = REFUSALS[code]
    public_code = declared.api_code or code
    assert response.status_code == declared.status
    assert response.data == {
        "error": {"code": public_code, "message": "A sentence for the person.", "fields": {}},
    }
    documented = _documented_statuses()
    if public_code in documented and code not in DOCUMENTED_ELSEWHERE:
        assert declared.status in documented[public_code]
    else:
        assert DOCUMENTED_ELSEWHERE[code] == declared.status


def test_every_documented_refusal_status_is_in_the_table() -> None:
    """The table does not forget a documented code that a service refuses with."""
    documented = _documented_statuses()
    for code, kind in REFUSALS.items():
        if code in DOCUMENTED_ELSEWHERE:
            continue
        assert (kind.api_code or code) in documented, code


def test_a_refusal_about_a_field_lists_it_and_keeps_its_extra_keys() -> None:
    refusal = Refusal("unknown_code", "No such code.", field="code", extra={"document": 7})

    response = api_exception_handler(refusal, {"request": None})

    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "unknown_code",
            "message": "No such code.",
            "fields": {"code": ["No such code."]},
            "document": 7,
        }
    }


def test_a_code_missing_from_the_table_is_a_server_error_not_a_guess() -> None:
    response = api_exception_handler(Refusal("no_such_code", "?"), {"request": None})

    assert response.status_code == 500
