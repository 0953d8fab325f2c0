"""Redis goes away and comes back: no request fails, readiness says so, events flow again."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parley.app import create_app
from parley.clock import FixedClock
from parley.realtime.bus import Envelope, RedisBus
from tests.conftest import START, make_settings

pytestmark = pytest.mark.redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """A private redis-server on its own port, stopped and started by the test."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


async def until(check: object, seconds: float = 15) -> None:
    for _ in range(int(seconds / 0.05)):
        if callable(check) and check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")


async def test_events_flow_again_after_redis_restarts(redis_server: RedisServer) -> None:
    a, b = RedisBus(redis_server.url), RedisBus(redis_server.url)
    got: list[dict[str, object]] = []
    on_a: list[dict[str, object]] = []
    recovered: list[str] = []

    async def deliver(envelope: Envelope) -> None:
        got.append(envelope.event)

    async def deliver_a(envelope: Envelope) -> None:
        on_a.append(envelope.event)

    b.on_recovered = lambda: recovered.append("b")
    await a.start(deliver_a)
    await b.start(deliver)
    try:
        await a.publish(Envelope(frozenset({1}), event={"type": "t", "n": 1}))
        await until(lambda: {"type": "t", "n": 1} in got)
        assert await a.ping()

        redis_server.stop()
        # A transaction's events as Redis goes: never raises, this node's sockets get them.
        await a.publish_many([Envelope(frozenset({1}), event={"type": "t", "n": n}) for n in "xy"])
        assert [e["n"] for e in on_a if e["n"] in ("x", "y")] == ["x", "y"]
        await until(lambda: not a.connected)
        await a.publish(Envelope(frozenset({1}), event={"type": "t", "n": 2}))  # never raises
        assert not await a.ping()
        assert {"type": "t", "n": 2} in on_a, "this node's own sockets still get its events"
        assert {"type": "t", "n": 2} not in got

        redis_server.start()
        await until(lambda: recovered == ["b"])
        await until(lambda: a.connected)
        assert await a.ping()
        await a.publish(Envelope(frozenset({1}), event={"type": "t", "n": 3}))
        await until(lambda: {"type": "t", "n": 3} in got)
    finally:
        await a.stop()
        await b.stop()


async def test_readiness_names_redis_while_it_is_down_and_recovers(
    redis_server: RedisServer, tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(tmp_path, database_url=database_url, redis_url=redis_server.url)
    app = create_app(settings, clock=FixedClock(START), workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"database": True, "redis": True, "storage": True}

            redis_server.stop()
            down = await client.get("/readyz")
            assert down.status_code == 503
            assert down.json()["checks"] == {"database": True, "redis": False, "storage": True}
            assert "Redis does not answer" in down.json()["problems"][0]
            assert (await client.get("/healthz")).status_code == 200

            redis_server.start()
            for _ in range(300):
                if (await client.get("/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.05)
            assert (await client.get("/readyz")).json()["checks"]["redis"] is True
