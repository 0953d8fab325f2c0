"""kill -9 the server, or its ingest worker process alone, or stop the worker (alive but stuck:
the node must notice its silence, kill it and start another), during a burst of webhooks from a
sender that retries like Meta.

After the restart (the node's, or the worker's by the node) every acknowledged message is stored
exactly once and every interaction is routed. With Ready agents whose seats (capacity 3 each) cover every contact, "routed" means:
each contact has one interaction, held by a Ready agent (`offered`, or `active` with
auto-accept), none is left `queued`, and no agent holds more than its capacity.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import Row, text

from parley.auth.models import User
from parley.auth.service import create_user
from parley.clock import SystemClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.ingest.log import log_file
from parley.realtime.bus import InProcessBus
from parley.settings import Settings
from tests.conftest import make_settings
from tests.factories import BUSINESS, PASSWORD
from tests.live import free_port
from tests.reliability.server import MetaSender, ServerProcess, gone

SECRET = "parley-dev-app-secret"
CONTACTS = 200
PER_WEBHOOK = 5
WEBHOOKS = 1000  # 5,000 messages
CAPACITY = 3
AGENTS = -(-CONTACTS // CAPACITY) + 3  # enough Ready seats for every contact, and a few spare
KILL_AFTER = 0.35  # share of the webhooks acknowledged when the server is killed
STALL_SECONDS = 5  # a worker silent this long is killed by its node (the least allowed)

pytestmark = pytest.mark.reliability


def wamid(webhook: int, position: int) -> str:
    return f"wamid.KILL{webhook:05d}_{position}"


def wa_id(contact: int) -> str:
    return f"5511900{contact:06d}"


def burst() -> list[bytes]:
    """Webhook i carries PER_WEBHOOK messages of contact i % CONTACTS, Meta's envelope."""
    now = int(time.time())
    bodies = []
    for i in range(WEBHOOKS):
        sender = wa_id(i % CONTACTS)
        messages = [
            {"from": sender, "id": wamid(i, j), "timestamp": str(now), "type": "text",
             "text": {"body": f"message {j} of webhook {i} ✓"}}
            for j in range(PER_WEBHOOK)
        ]  # fmt: skip
        value = {
            "messaging_product": "whatsapp",
            "metadata": BUSINESS,
            "contacts": [{"profile": {"name": f"Customer {i % CONTACTS}"}, "wa_id": sender}],
            "messages": messages,
        }
        change = {"field": "messages", "value": value}
        entry = {"id": "880011223344556", "changes": [change]}
        bodies.append(orjson.dumps({"object": "whatsapp_business_account", "entry": [entry]}))
    return bodies


async def fetch(settings: Settings, sql: str) -> list[Row[Any]]:
    engine = build_engine(settings)
    try:
        async with engine.connect() as connection:
            return list(await connection.execute(text(sql)))
    finally:
        await engine.dispose()


async def seed(settings: Settings) -> None:
    """A supervisor who can log in, and Ready agents (sharing one password hash: fast)."""
    engine = build_engine(settings)
    clock = SystemClock()
    await upgrade(engine)
    async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
        sam = await create_user(
            uow, clock, username="sam", password=PASSWORD, role="supervisor", name="Sam"
        )
        now = clock.now()
        for n in range(AGENTS):
            uow.session.add(
                User(username=f"agent{n:03d}", name=f"Agent {n}", role="agent",
                     password_hash=sam.password_hash, status="ready", status_since=now,
                     idle_since=now, created_at=now)
            )  # fmt: skip
        await uow.commit()
    await engine.dispose()


async def wait_processed(server: ServerProcess, within: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url, timeout=5.0) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        deadline = time.monotonic() + within
        while True:
            health: dict[str, Any] = (
                await client.get("/api/v1/ingest/health", headers=headers)
            ).json()
            if (health["pending"] == 0 and health["failed"] == 0) or time.monotonic() > deadline:
                return health
            await asyncio.sleep(0.1)


async def wait_routed(settings: Settings, within: float) -> None:
    for _ in range(int(within / 0.1)):
        [(queued,)] = await fetch(
            settings, "SELECT count(*) FROM interactions WHERE state = 'queued'"
        )
        if not queued:
            return
        await asyncio.sleep(0.1)


async def _wait_for_worker(
    server: ServerProcess, other_than: int | None = None, within: float = 10.0
) -> int:
    for _ in range(int(within / 0.05)):
        pids = [pid for pid in server.workers() if pid != other_than]
        if pids:
            return pids[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no ingest worker process:\n{server.output()}")


@pytest.mark.parametrize("victim", ["node", "worker", "stuck worker"])
async def test_kill_9_mid_burst_loses_and_duplicates_nothing(
    database_url: str, tmp_path: Path, record_property: Any, victim: str
) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    await seed(settings)
    env = {
        **os.environ,
        "PARLEY_DATABASE_URL": database_url,
        "PARLEY_DATA_DIR": str(tmp_path),
        "PARLEY_REDIS_URL": "",
        "PARLEY_LOG_LEVEL": "WARNING",
        "PARLEY_AGENT_CAPACITY": str(CAPACITY),
        "PARLEY_OFFER_TIMEOUT_SECONDS": "0",  # offers stay put while the test looks at them
        "PARLEY_WHATSAPP_API_BASE_URL": "http://127.0.0.1:9",  # nothing is sent in this test
        "PARLEY_WORKER_STALL_SECONDS": str(STALL_SECONDS),
    }
    server = ServerProcess(free_port(), env, tmp_path)
    bodies = burst()
    sender = MetaSender("", SECRET)
    started = time.monotonic()
    try:
        server.start()
        await server.ready()
        sender.url = server.url
        figures: dict[str, float] = {}

        async def kill_mid_burst() -> None:
            while len(sender.acknowledged) < WEBHOOKS * KILL_AFTER:
                sender.progress.clear()
                await sender.progress.wait()
            figures["acknowledged_at_kill"] = len(sender.acknowledged)
            worker = await _wait_for_worker(server)
            if victim == "worker":
                os.kill(worker, signal.SIGKILL)
                figures["exit_code"] = -9
                # the node starts a new worker; webhooks are acknowledged meanwhile
                figures["new_worker"] = await _wait_for_worker(server, other_than=worker)
            elif victim == "stuck worker":
                os.kill(worker, signal.SIGSTOP)  # alive, holding its batch, saying nothing
                figures["exit_code"] = -9
                figures["new_worker"] = await _wait_for_worker(
                    server, other_than=worker, within=STALL_SECONDS + 30
                )
                assert await gone(worker, within=5), "the stuck worker was left running"
            else:
                figures["exit_code"] = server.kill()
                # the worker notices its node is gone and leaves: no orphan keeps writing
                assert await gone(worker, within=15), "the ingest worker outlived its node"
                await asyncio.sleep(0.5)  # Meta keeps retrying into a closed port meanwhile
                server.start()
                await server.ready()
            figures["restarted_at_s"] = time.monotonic() - started

        await asyncio.gather(sender.deliver_all(bodies, concurrency=16), kill_mid_burst())
        figures["burst_s"] = time.monotonic() - started
        health = await wait_processed(server, within=60)
        await wait_routed(settings, within=20)
        figures["settled_s"] = time.monotonic() - started
    finally:
        server.stop()
    for name, value in {**figures, "failed_attempts": sender.failed_attempts}.items():
        record_property(name, value)
    print(f"kill -9 figures: {figures}, failed deliveries {sender.failed_attempts}, {health}")

    assert figures["exit_code"] == -9
    if victim == "stuck worker":
        assert "ingest.worker_stalled" in server.output()
    # A process that died of an exception prints its traceback raw (logs carry theirs in JSON).
    raw = re.search(r"^(Traceback|Exception ignored)", server.output(), re.MULTILINE)
    assert raw is None, server.output()
    assert 0 < figures["acknowledged_at_kill"] < WEBHOOKS, "killed mid-burst"
    assert sorted(sender.acknowledged) == list(range(WEBHOOKS)), "the sender got every 200"
    assert health["failed"] == 0 and health["pending"] == 0, health
    await assert_every_acknowledged_message_once(settings)
    await assert_every_interaction_routed(settings)


async def assert_every_acknowledged_message_once(settings: Settings) -> None:
    inbound = await fetch(settings, "SELECT wamid FROM messages WHERE direction = 'in'")
    stored = Counter(wamid_ for (wamid_,) in inbound)
    # `parley serve` on SQLite keeps the webhook log in a file of its own.
    path = log_file(settings)
    where = make_settings(path.parent, database_url=f"sqlite:///{path}") if path else settings
    log = await fetch(where, "SELECT state, count(*) FROM inbound_log GROUP BY state")
    states = {state: count for state, count in log}
    expected = {wamid(i, j) for i in range(WEBHOOKS) for j in range(PER_WEBHOOK)}
    assert set(stored) == expected, f"lost: {len(expected - set(stored))}"
    duplicated = {key: n for key, n in stored.items() if n != 1}
    assert not duplicated, f"stored more than once: {list(duplicated)[:5]}"
    assert set(states) == {"processed"} and states["processed"] >= WEBHOOKS, states


async def assert_every_interaction_routed(settings: Settings) -> None:
    interactions = await fetch(
        settings,
        "SELECT i.contact_id, i.state, i.agent_id, u.status FROM interactions i "
        "LEFT JOIN users u ON u.id = i.agent_id",
    )
    counts = await fetch(
        settings,
        "SELECT c.wa_id, count(m.id) FROM contacts c "
        "JOIN messages m ON m.contact_id = c.id GROUP BY c.wa_id",
    )
    per_contact = {contact: count for contact, count in counts}
    [(misplaced,)] = await fetch(
        settings,
        "SELECT count(*) FROM messages m JOIN interactions i ON i.id = m.interaction_id "
        "WHERE i.contact_id != m.contact_id",
    )
    assert len(interactions) == CONTACTS, "one interaction per contact"
    assert {state for _, state, _, _ in interactions} <= {"offered", "active"}
    assert all(agent is not None and status == "ready" for _, _, agent, status in interactions)
    load = Counter(agent for _, _, agent, _ in interactions)
    assert max(load.values()) <= CAPACITY
    assert per_contact == {wa_id(c): WEBHOOKS // CONTACTS * PER_WEBHOOK for c in range(CONTACTS)}
    assert misplaced == 0
