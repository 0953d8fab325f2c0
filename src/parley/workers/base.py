"""One background loop: wakes when told or on a poll, backs off on errors, stops cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from parley.db.gate import is_busy

log = logging.getLogger("parley.workers")


class Worker:
    name = "worker"
    poll_seconds = 1.0
    max_backoff = 30.0

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> bool:
        """Do one round of work; True if there may be more right away."""
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Let the round in progress finish, so no database call is cut off mid-flight."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            async with asyncio.timeout(grace_seconds):
                await asyncio.shield(self._task)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                more = await self.run_once()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                about = {"worker": self.name, "failures": failures}
                if is_busy(exc):  # another process holds the database: no fault to trace
                    log.warning("worker.database_busy", extra={**about, "error": str(exc)[:200]})
                else:
                    log.exception("worker.failed", extra=about)
                more = False
                await asyncio.sleep(min(self.max_backoff, 0.2 * 2**failures))
            if more:
                await asyncio.sleep(0)
                continue
            # `asyncio.timeout`, not `wait_for`: on Python 3.11 `wait_for` can lose a
            # cancellation that comes in the step the wake-up does.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
