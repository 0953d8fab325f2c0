"""`parley serve` as a real child process, and a webhook sender that retries like Meta."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from parley.whatsapp.signature import sign


@dataclass
class ServerProcess:
    """One `parley serve` on a port; `kill()` is kill -9, `start()` again is the restart."""

    port: int
    env: dict[str, str]
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        self._log = (self.workdir / f"serve-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parley", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=self.workdir,  # no stray .env is read
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def ready(self, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=1.0) as client:
            while time.monotonic() < deadline:
                assert self.process is not None and self.process.poll() is None, self.output()
                try:
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(f"parley serve did not start:\n{self.output()}")

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs, whatever was in flight is cut off."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        code = self.process.wait(10)
        self._close_log()
        return code

    def workers(self) -> list[int]:
        """The pids of this server's child processes (its ingest worker), from /proc."""
        assert self.process is not None
        pid = self.process.pid
        path = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in path.read_text().split()] if path.exists() else []

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def output(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")[-4000:]
            for path in sorted(self.workdir.glob("serve-*.log"))
        )


@dataclass
class MetaSender:
    """Delivers signed webhooks as Meta does: any non-200, timeout or connection error is
    retried (at once, then with growing pauses) until a 200 comes back."""

    url: str
    secret: str
    timeout: float = 5.0
    acknowledged: list[int] = field(default_factory=list)  # indexes of the bodies, in ack order
    failed_attempts: int = 0
    progress: asyncio.Event = field(default_factory=asyncio.Event)  # set at every 200

    async def deliver_all(self, bodies: list[bytes], concurrency: int) -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for index in range(len(bodies)):
            queue.put_nowait(index)
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(timeout=self.timeout, limits=limits) as client:
            workers = [self._worker(client, queue, bodies) for _ in range(concurrency)]
            await asyncio.gather(*workers)

    async def _worker(
        self, client: httpx.AsyncClient, queue: asyncio.Queue[int], bodies: list[bytes]
    ) -> None:
        while not queue.empty():
            index = queue.get_nowait()
            await self._deliver(client, bodies[index])
            self.acknowledged.append(index)
            self.progress.set()

    async def _deliver(self, client: httpx.AsyncClient, body: bytes) -> None:
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, self.secret),
        }
        for attempt in range(10_000):
            try:
                response = await client.post(
                    f"{self.url}/webhooks/whatsapp", content=body, headers=headers
                )
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            self.failed_attempts += 1
            await asyncio.sleep(0 if attempt == 0 else min(0.5, 0.02 * 2**attempt))
        raise AssertionError("a webhook was never acknowledged")


def alive(pid: int) -> bool:
    """True while process `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


async def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False
