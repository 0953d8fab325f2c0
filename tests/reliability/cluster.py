"""Two `parley serve` processes, the simulator as a third, one PostgreSQL, one Redis: the
scale-out setup as an operator runs it, driven over HTTP and WebSocket only."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import Row, text
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from parley.auth.models import User
from parley.auth.service import create_user
from parley.clock import SystemClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.uow import UnitOfWork
from parley.realtime.bus import InProcessBus
from parley.settings import Settings
from tests.factories import PASSWORD
from tests.live import free_port
from tests.reliability.server import ServerProcess

DISCONNECT_GRACE = 8  # seconds; short, so a dead node's agents count as gone within the test
CLAIM_LEASE = 10  # seconds before a dead node's outbox claims go to the survivor


@dataclass
class SimulatorProcess:
    """`parley simulator` on its own port, its webhooks aimed at one node."""

    port: int
    env: dict[str, str]
    workdir: Path
    webhook_url: str
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._log = (self.workdir / "simulator.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parley", "simulator", "--port", str(self.port),
             "--webhook-url", self.webhook_url],
            env=self.env, cwd=self.workdir, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, "simulator died"
            try:
                if httpx.get(f"{self.url}/_sim/info", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("the simulator did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)
        if self._log is not None:
            self._log.close()


@dataclass
class Cluster:
    """Nodes `a` and `b` and the simulator; the test talks to each over HTTP."""

    settings: Settings
    a: ServerProcess
    b: ServerProcess
    simulator: SimulatorProcess
    tokens: dict[str, str] = field(default_factory=dict)
    _http: httpx.AsyncClient | None = None
    _http_loop: asyncio.AbstractEventLoop | None = None

    @property
    def nodes(self) -> tuple[ServerProcess, ServerProcess]:
        return self.a, self.b

    async def fetch(self, sql: str, **params: Any) -> list[Row[Any]]:
        engine = build_engine(self.settings)
        try:
            async with engine.connect() as connection:
                return list(await connection.execute(text(sql), params))
        finally:
            await engine.dispose()

    async def execute(self, sql: str, **params: Any) -> None:
        engine = build_engine(self.settings)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(sql), params)
        finally:
            await engine.dispose()

    async def sim(self, method: str, path: str, body: Any = None) -> Any:
        response = await self._request(method, f"{self.simulator.url}{path}", body)
        assert response.status_code < 300, response.text
        return response.json()

    async def _request(
        self, method: str, url: str, body: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """A request, sent again if a pooled connection was closed under it (the server's
        keep-alive ran out): an agent's send repeats its client_id, so it is never doubled."""
        for attempt in range(3):
            try:
                return await self._client().request(method, url, json=body, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError):
                if attempt == 2:
                    raise
                await asyncio.sleep(0.2)
        raise AssertionError("unreachable")

    async def close_client(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx.AsyncClient:
        """One pooled client per test (each test runs its own event loop)."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is not loop:
            self._http = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=32))
            self._http_loop = loop
        return self._http

    async def aim_webhooks(self, node: ServerProcess) -> None:
        await self.sim("POST", "/_sim/config", {"webhook_url": f"{node.url}/webhooks/whatsapp"})

    async def login(self, node: ServerProcess, username: str) -> str:
        async with httpx.AsyncClient(base_url=node.url, timeout=30) as client:
            answer = await client.post(
                "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert answer.status_code == 200, answer.text
        token: str = answer.json()["token"]
        self.tokens[username] = token
        return token

    async def api(
        self, node: ServerProcess, username: str, method: str, path: str, body: Any = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        response = await self._request(method, f"{node.url}{path}", body, headers)
        assert response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json()

    async def socket(self, node: ServerProcess, username: str) -> ClientConnection:
        url = node.url.replace("http", "ws") + f"/api/v1/events?token={self.tokens[username]}"
        ws = await connect(url)
        assert json.loads(await ws.recv())["type"] == "hello"
        return ws

    async def readyz(self, node: ServerProcess) -> tuple[int, dict[str, Any]]:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{node.url}/readyz")
        return response.status_code, response.json()

    async def metric(self, node: ServerProcess, name: str, label: str = "") -> float:
        """The sum of a counter's samples on one node (`label` filters them, e.g. code="130429")."""
        async with httpx.AsyncClient(timeout=10) as client:
            lines = (await client.get(f"{node.url}/metrics")).text.splitlines()
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in lines
            if line.startswith(name + "{") and label in line
        )


def node_env(settings: Settings, workdir: Path, redis_url: str, sim_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PARLEY_DATABASE_URL": settings.database_url,
        "PARLEY_REDIS_URL": redis_url,
        "PARLEY_DATA_DIR": str(workdir),
        "PARLEY_LOG_LEVEL": "WARNING",
        "PARLEY_WHATSAPP_API_BASE_URL": sim_url,
        "PARLEY_AUTO_ACCEPT": "true",
        "PARLEY_OFFER_TIMEOUT_SECONDS": "0",
        "PARLEY_SEND_READ_RECEIPTS": "false",
        "PARLEY_DISCONNECT_GRACE_SECONDS": str(DISCONNECT_GRACE),
        "PARLEY_DISCONNECT_PARK_SECONDS": "3600",
        "PARLEY_MISSED_OFFERS_LIMIT": "0",
        "PARLEY_CLAIM_LEASE_SECONDS": str(CLAIM_LEASE),
        # A simulator starved of CPU may answer slowly: these tests are about sharing the rate
        # and sending once, not about Meta's timeouts (tests/outbox covers those).
        "PARLEY_WHATSAPP_TIMEOUT_SECONDS": "60",
    }


async def add_agents(settings: Settings, names: list[str], capacity: int, ready: bool) -> None:
    """Agents who can log in with PASSWORD (one hash, computed once: hashing is slow)."""
    engine = build_engine(settings)
    clock = SystemClock()
    async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
        first = await create_user(
            uow, clock, username=names[0], password=PASSWORD, role="agent", name=names[0]
        )
        first.capacity = capacity
        first.status = "ready" if ready else "not_ready"
        now = clock.now()
        for name in names[1:]:
            uow.session.add(
                User(username=name, name=name.title(), role="agent", capacity=capacity,
                     password_hash=first.password_hash, status=first.status, status_since=now,
                     idle_since=now, created_at=now)
            )  # fmt: skip
        await uow.commit()
    await engine.dispose()


async def until(check: Any, within: float, every: float = 0.2) -> Any:
    """Call the async `check` until it returns something true; that value."""
    deadline = time.monotonic() + within
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(every)


async def next_event(ws: ClientConnection, kind: str, within: float, **match: Any) -> Any:
    """The next event of `kind` on the socket whose fields include `match` (dotted paths)."""
    async with asyncio.timeout(within):
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == kind and all(_at(event, k) == v for k, v in match.items()):
                return event


def _at(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.split("__"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


async def gather_limited(limit: int, jobs: list[Any]) -> list[Any]:
    """Run the coroutines `jobs` with at most `limit` at once, results in order."""
    gate = asyncio.Semaphore(limit)

    async def run(job: Any) -> Any:
        async with gate:
            return await job

    return list(await asyncio.gather(*(run(job) for job in jobs)))


def start_processes(settings: Settings, workdir: Path, redis_url: str) -> Cluster:
    ports = [free_port() for _ in range(3)]
    sim_env = {**os.environ, "PARLEY_LOG_LEVEL": "WARNING"}
    simulator = SimulatorProcess(
        ports[2], sim_env, workdir, f"http://127.0.0.1:{ports[0]}/webhooks/whatsapp"
    )
    env = node_env(settings, workdir, redis_url, simulator.url)
    (workdir / "a").mkdir(exist_ok=True)
    (workdir / "b").mkdir(exist_ok=True)
    a = ServerProcess(ports[0], env, workdir / "a")
    b = ServerProcess(ports[1], env, workdir / "b")
    cluster = Cluster(settings, a, b, simulator)
    simulator.start()
    a.start()
    b.start()
    simulator.wait_ready()

    async def ready() -> None:
        await asyncio.gather(a.ready(60), b.ready(60))

    asyncio.run(ready())
    return cluster


async def restart_nodes(cluster: Cluster, **env: str) -> None:
    """Stop both nodes and start them again with these settings changed."""
    for node in cluster.nodes:
        node.stop()
        node.env = {**node.env, **env}
        node.start()
    await asyncio.gather(cluster.a.ready(60), cluster.b.ready(60))


async def customer_writes(cluster: Cluster, wa: str, body: str) -> str:
    sent = await cluster.sim(
        "POST", f"/_sim/customers/{wa}/messages",
        {"type": "text", "text": {"body": body}, "profile_name": f"Customer {wa[-4:]}"},
    )  # fmt: skip
    wamid: str = sent["id"]
    return wamid


async def outbound_texts(cluster: Cluster, customers: list[str]) -> list[tuple[str, float]]:
    """(text, accepted_at) of every message the business sent to these customers' phones."""

    async def phone(wa: str) -> list[tuple[str, float]]:
        chat = await cluster.sim("GET", f"/_sim/customers/{wa}/messages")
        return [
            (m["content"]["body"], m["accepted_at"])
            for m in chat["messages"]
            if m["direction"] == "out" and m["type"] == "text"
        ]

    phones = await gather_limited(16, [phone(wa) for wa in customers])
    return [sent for texts in phones for sent in texts]


def busiest_second(times: list[float]) -> int:
    ordered = sorted(times)
    start, most = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def read_all(ws: ClientConnection) -> int | None:
    """Read the stream as a desktop does, until it closes: the close code (1006: cut off)."""
    try:
        while True:
            await ws.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else 1006
