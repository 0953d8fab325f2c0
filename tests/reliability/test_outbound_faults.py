"""Graph API faults during a burst of replies: every message ends sent exactly once, or failed
with the reason shown to the agent. None lost, none duplicated.

The real outbox worker sends to the real simulator over TCP; the simulator's status webhooks
come back to Parley over TCP. The test drives the workers round by round and moves Parley's
clock past each backoff, so minutes of retry schedule take seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.app import create_app
from parley.clock import FixedClock
from parley.ingest.worker import IngestWorker
from parley.messages.models import Message, OutboxItem
from parley.messages.outbound import parse_callback_data
from parley.outbox.worker import OutboxWorker
from parley.routing.worker import RoutingWorker
from parley.runtime import Runtime
from parley.settings import Settings
from parley.simulator import create_simulator_app
from parley.whatsapp.graph import GraphClient
from tests.conftest import make_settings
from tests.factories import PASSWORD, add_agent
from tests.live import free_port, serving

pytestmark = pytest.mark.reliability

CUSTOMERS = 12
REPLIES = 4  # per customer: 48 replies
FAULTS: list[dict[str, Any]] = [
    {"kind": "graph_error", "code": 131000, "count": 3},  # HTTP 500
    {"kind": "graph_error", "code": 2, "count": 2},  # HTTP 503
    {"kind": "graph_error", "code": 4, "count": 2},  # app rate limit
    {"kind": "graph_error", "code": 80007, "count": 2},  # WABA rate limit
    {"kind": "graph_error", "code": 130429, "count": 3},  # throughput
    {"kind": "graph_error", "code": 131056, "count": 3},  # pair rate
    {"kind": "timeout", "delay_seconds": 1.0, "count": 3},  # accepted, answered too late
    {"kind": "connection_reset", "count": 3},  # nothing carried out
    {"kind": "delay", "delay_seconds": 0.1, "count": 2},  # slow but in time
    {"kind": "expired_token", "count": 2},  # permanent: the message fails, reason shown
]


@dataclass
class Stack:
    runtime: Runtime
    clock: FixedClock
    api: httpx.AsyncClient
    sim: httpx.AsyncClient
    ingest: IngestWorker
    routing: RoutingWorker
    outbox: OutboxWorker

    async def settle_inbound(self) -> None:
        """Every webhook the simulator has queued delivered, stored and processed."""
        await self.sim.get("/_sim/webhooks", params={"wait": 10, "body": 0, "limit": 1})
        while await self.ingest.run_once():
            pass
        await self.routing.run_once()


@asynccontextmanager
async def stack(tmp_path: Path, database_url: str) -> AsyncIterator[Stack]:
    sim_port, parley_port = free_port(), free_port()
    settings: Settings = make_settings(
        tmp_path,
        database_url=database_url,
        whatsapp_api_base_url=f"http://127.0.0.1:{sim_port}",
        whatsapp_timeout_seconds=0.5,
        auto_accept=True,
        agent_capacity=CUSTOMERS,
    )
    clock = FixedClock(datetime.now(UTC))
    parley = create_app(settings, clock=clock, migrate=False, workers=False)
    simulator = create_simulator_app(
        settings,
        f"http://127.0.0.1:{parley_port}/webhooks/whatsapp",
        retry_schedule=(0, 0.05, 0.1, 0.2, 0.5, 1, 1, 1, 1, 1),
    )
    async with (
        serving(simulator, sim_port) as sim_url,
        serving(parley, parley_port) as parley_url,
        httpx.AsyncClient() as graph_http,
        httpx.AsyncClient(base_url=parley_url, timeout=10) as api,
        httpx.AsyncClient(base_url=sim_url, timeout=20) as sim,
    ):
        runtime: Runtime = parley.state.runtime
        yield Stack(
            runtime,
            clock,
            api,
            sim,
            IngestWorker(runtime.uow, clock, runtime.metrics, on_ingested=lambda: None),
            RoutingWorker(
                runtime.uow,
                clock,
                default_capacity=CUSTOMERS,
                auto_accept=True,
                offer_timeout_seconds=0,
            ),
            OutboxWorker(
                runtime.uow,
                clock,
                GraphClient.from_settings(settings, graph_http),
                runtime.metrics,
                rate=settings.whatsapp_send_rate,
            ),
        )


def customer(n: int) -> str:
    return f"5511955{n:06d}"


async def queue_replies(s: Stack) -> dict[str, str]:
    """Customers write, alice gets their chats and queues REPLIES each; client_id → wa_id."""
    async with s.runtime.uow() as uow:
        await add_agent(uow, s.clock, "alice")
    for n in range(CUSTOMERS):
        said = await s.sim.post(
            f"/_sim/customers/{customer(n)}/messages",
            json={"type": "text", "text": {"body": "Where is my order?"}, "profile_name": f"C{n}"},
        )
        assert said.status_code == 201, said.text
    await s.settle_inbound()
    login = await s.api.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    s.api.headers["Authorization"] = f"Bearer {login.json()['token']}"
    mine = (await s.api.get("/api/v1/interactions")).json()["items"]
    assert len(mine) == CUSTOMERS and {i["state"] for i in mine} == {"active"}
    queued: dict[str, str] = {}
    for interaction in mine:
        for r in range(REPLIES):
            client_id = f"reply-{interaction['contact']['wa_id']}-{r}"
            sent = await s.api.post(
                f"/api/v1/interactions/{interaction['id']}/messages",
                json={"text": f"Reply {r}: your parcel ships today", "client_id": client_id},
            )
            assert sent.status_code == 201, sent.text
            queued[client_id] = interaction["contact"]["wa_id"]
    return queued


async def outcomes(s: Stack) -> list[tuple[Message, OutboxItem]]:
    async with s.runtime.uow() as uow:
        rows = await uow.session.execute(
            select(Message, OutboxItem)
            .join(OutboxItem, OutboxItem.message_id == Message.id)
            .where(Message.direction == "out")
        )
        return [(message, item) for message, item in rows]


async def drive(s: Stack, rounds: int = 40) -> int:
    """Send, let statuses come back, jump the clock past the backoffs; until nothing is due."""
    for done in range(1, rounds + 1):
        while await s.outbox.run_once():
            pass
        await s.settle_inbound()
        if all(item.state in ("sent", "failed") for _, item in await outcomes(s)):
            return done
        s.clock.advance(30)
    raise AssertionError("the outbox never settled")


async def at_the_simulator(s: Stack, wa_ids: set[str]) -> dict[int, list[str]]:
    """Outbox id → the wamids the customer's phone received for it."""
    received: dict[int, list[str]] = defaultdict(list)
    for wa_id in wa_ids:
        chat = (await s.sim.get(f"/_sim/customers/{wa_id}/messages")).json()["messages"]
        for message in chat:
            outbox_id = parse_callback_data(message.get("biz_opaque_callback_data"))
            if message["direction"] == "out" and outbox_id is not None:
                received[outbox_id].append(message["id"])
    return received


async def test_every_reply_ends_sent_once_or_failed_with_its_reason(
    tmp_path: Path, database_url: str, record_property: Any
) -> None:
    async with stack(tmp_path, database_url) as s:
        queued = await queue_replies(s)
        for fault in FAULTS:
            assert (await s.sim.post("/_sim/faults", json=fault)).status_code == 201
        rounds = await drive(s)
        left = (await s.sim.get("/_sim/faults")).json()["faults"]
        received = await at_the_simulator(s, set(queued.values()))
        results = await outcomes(s)
        shown = {
            m["client_id"]: m
            for i in (await s.api.get("/api/v1/interactions")).json()["items"]
            for m in (await s.api.get(f"/api/v1/interactions/{i['id']}/messages")).json()["items"]
            if m["direction"] == "out"
        }
    replies = [(m, item) for m, item in results if m.client_id in queued]
    states = Counter(item.state for _, item in replies)
    record_property("rounds", rounds)
    record_property("outcomes", dict(states))
    assert left == [], "every injected fault was met"
    assert len(replies) == len(queued) == CUSTOMERS * REPLIES, "none lost"
    for message, item in replies:
        copies = received.get(item.id, [])
        if item.state == "sent":
            assert copies == [message.wamid], f"{message.client_id}: {copies} at the phone"
            assert message.status in ("sent", "delivered", "read")
        else:
            assert item.state == "failed" and copies == [], f"{message.client_id} failed"
            error = shown[message.client_id]["error"]
            assert shown[message.client_id]["status"] == "failed"
            assert error["code"] == 190 and error["details"], error
    assert 0 < states["failed"] <= 2, "only the expired token fails a message"
