"""The background loop's handling of a failed round (`workers.base.Worker`)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from parley.db.gate import GateTimeout
from parley.workers.base import Worker


class Failing(Worker):
    name = "failing"  # type: ignore[assignment]
    poll_seconds = 3600
    max_backoff = 0.01

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
        self.rounds = 0

    async def run_once(self) -> bool:
        self.rounds += 1
        raise self.error


async def _rounds(worker: Failing) -> None:
    """Two failed rounds (after a failure the loop waits to be woken, or for its poll)."""
    worker.start()
    for _ in range(500):
        if worker.rounds >= 2:
            break
        if worker.rounds == 1:
            worker.wake()
        await asyncio.sleep(0.01)
    await worker.stop(0.5)


async def test_a_database_held_elsewhere_is_a_warning_without_a_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="parley")
    await _rounds(Failing(GateTimeout("parley.db.lock stayed locked for 30 s")))
    busy = [r for r in caplog.records if r.getMessage() == "worker.database_busy"]
    assert len(busy) == 2 and all(r.levelno == logging.WARNING and not r.exc_info for r in busy)
    assert not [r for r in caplog.records if r.getMessage() == "worker.failed"]


async def test_a_fault_of_ours_is_logged_with_its_trace(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="parley")
    await _rounds(Failing(RuntimeError("a bug")))
    failed = [r for r in caplog.records if r.getMessage() == "worker.failed"]
    assert len(failed) == 2 and all(r.exc_info for r in failed)
