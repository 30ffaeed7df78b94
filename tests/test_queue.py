"""burnout_site/queue.py: queue a task, or log when the broker is down."""

from __future__ import annotations

import logging

import pytest

from burnout_site.queue import task_enqueue


def _broker_down(*args: object, **kwargs: object) -> None:
    raise ConnectionError("broker unreachable")


@pytest.mark.django_db
def test_a_queued_task_is_true_and_gets_its_group_and_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert task_enqueue("some.task", 7, 8, what="task seven", group="tests", hook="some.hook") is True
    assert calls == [(("some.task", 7, 8), {"group": "tests", "hook": "some.hook"})]
    assert task_enqueue("some.task", 9, what="task nine", group="tests") is True
    assert calls[1] == (("some.task", 9), {"group": "tests"})


def test_a_broker_outage_is_false_and_logged(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("django_q.tasks.async_task", _broker_down)
    with caplog.at_level(logging.ERROR, logger="burnout_site.queue"):
        assert task_enqueue("some.task", 7, what="task seven", group="tests") is False
    assert "could not enqueue task seven" in caplog.text
    assert "broker unreachable" in caplog.text
