"""End to end over real HTTP: a device gets a token, sends a face photo, polls it and reads the dynamics.

pytest-django's live_server runs the site in a thread of this process; with Q_SYNC the analysis task
runs in that thread when the upload commits (the real model, on the real photo).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.emotions import images
from tests.factories import DEFAULT_PASSWORD, UserFactory

# transaction=True: the server thread must see committed rows. serialized_rollback: the flush after the
# test would otherwise also remove the consent documents the data migrations create for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

POLL_TIMEOUT_S = 120  # the first analysis in the process loads torch and the weights


def test_token_upload_poll_dynamics(live_server: Any) -> None:
    user = UserFactory(consents=["processing"])
    with httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=POLL_TIMEOUT_S) as http:
        token = http.post("/auth/token/", json={"username": user.username, "password": DEFAULT_PASSWORD})
        assert token.status_code == 200, token.text
        http.headers["Authorization"] = f"Token {token.json()['token']}"

        upload = http.post("/photos/", files={"image": ("selfie.jpg", images.face_jpeg(images.SAD_FACE), "image/jpeg")})
        assert upload.status_code == 202, upload.text
        status_url = upload.json()["status_url"]
        assert status_url.startswith(live_server.url)

        deadline = time.monotonic() + POLL_TIMEOUT_S
        while True:
            assessment = http.get(status_url).json()
            if assessment["status"] != "pending" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert assessment["status"] == "done", assessment
        assert assessment["label"]
        assert 0.0 <= assessment["negativity"] <= 1.0

        listed = http.get("/assessments/").json()["results"]
        assert [item["id"] for item in listed] == [assessment["id"]]

        dynamics = http.get("/dynamics/", params={"bucket": "week"}).json()
        assert 0.0 <= assessment["confidence"] <= 1.0
        if assessment["confidence_level"] == "unsure":
            # Issue 14: an unsure reading is listed (above) but counted apart from every figure.
            assert [bucket["unsure"] for bucket in dynamics["buckets"] if bucket["unsure"]] == [1]
            assert not any(bucket["count"] for bucket in dynamics["buckets"])
        else:
            counted = [bucket for bucket in dynamics["buckets"] if bucket["count"]]
            assert len(counted) == 1
            assert counted[0]["class_mix"][assessment["label"]] == 1
            assert counted[0]["mean_negativity"] == pytest.approx(assessment["negativity"])

        assert http.post("/auth/logout/").status_code == 204
        assert http.get("/me/").status_code == 401
