"""Outbound: messages per second from agents through the outbox to the simulator, and proof
that the per-number rate limit holds.

Customers write from the simulator (which sends Parley real signed webhooks); Parley routes
each conversation to an agent (auto-accept); every agent then replies through the REST API
as fast as it answers. Timing runs from the first reply request to the last message the
simulator accepted. The simulator enforces Meta's throughput limit at the configured rate
(error 130429 past it) and records each message with the outbox id it carries, so a message
sent twice or refused would show.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.loadgen import Connection
from bench.procs import PASSWORD, node_env, parley_node, simulator
from bench.seed import seed

CUSTOMERS = 200


async def _customers_write(sim: str) -> None:
    async with httpx.AsyncClient(base_url=sim, timeout=30) as http:
        await http.post("/_sim/config", json={"auto_read": False})
        for n in range(CUSTOMERS):
            wa_id = f"5521{n:09d}"
            await http.post("/_sim/customers", json={"wa_id": wa_id, "profile_name": f"C{n}"})
            await http.post(
                f"/_sim/customers/{wa_id}/messages",
                json={"type": "text", "text": {"body": "Hi, a question"}},
            )


async def _assigned(base: str, tokens: dict[str, str]) -> list[tuple[str, int]]:
    """Wait until every customer's interaction is with an agent; (token, interaction id)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for _ in range(300):
            found = []
            for name, token in tokens.items():
                if not name.startswith("agent"):
                    continue
                response = await http.get(
                    "/api/v1/interactions", headers={"Authorization": f"Bearer {token}"}
                )
                found += [(token, item["id"]) for item in response.json()["items"]]
            if len(found) >= CUSTOMERS:
                return found
            await asyncio.sleep(0.2)
    raise RuntimeError(f"only {len(found)} of {CUSTOMERS} interactions were assigned")


async def _reply(port: int, held: list[tuple[str, int]], per_interaction: int) -> float:
    """Every agent answers its customer `per_interaction` times, 32 requests in flight."""
    queue = [(token, interaction, n) for n in range(per_interaction) for token, interaction in held]

    async def sender() -> None:
        connection = Connection("127.0.0.1", port, "")
        try:
            while queue:
                token, interaction, n = queue.pop(0)
                body = orjson.dumps({"text": f"Reply {n}", "client_id": f"bench-{interaction}-{n}"})
                status = await connection.request(
                    f"/api/v1/interactions/{interaction}/messages",
                    body,
                    f"Authorization: Bearer {token}",
                )
                if status != 201:
                    raise RuntimeError(f"reply refused: HTTP {status}")
        finally:
            connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(32)))
    return time.perf_counter() - start


def _sent_times(database: Path) -> tuple[list[float], Counter[str]]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT sent_at FROM outbox WHERE kind = 'message' AND sent_at IS NOT NULL"
        )
        times = sorted(_epoch(value) for (value,) in rows)
        states = Counter(
            state for (state,) in db.execute("SELECT state FROM outbox WHERE kind = 'message'")
        )
    return times, states


def _epoch(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value).timestamp()


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most messages in any half-open window [t, t + window)."""
    best, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


async def _simulator_counts(sim: str) -> tuple[Counter[str], list[float]]:
    """How many times the simulator accepted each outbox row's message (must be once), and
    when it accepted each."""
    seen: Counter[str] = Counter()
    times: list[float] = []
    async with httpx.AsyncClient(base_url=sim, timeout=30) as http:
        for n in range(CUSTOMERS):
            data = (await http.get(f"/_sim/customers/5521{n:09d}/messages")).json()
            for message in data["messages"]:
                if message["direction"] != "in" and message["biz_opaque_callback_data"]:
                    seen[message["biz_opaque_callback_data"]] += 1
                    times.append(message["accepted_at"])
    return seen, sorted(times)


def _refused_by_limit(metrics: str) -> int:
    """Sends the simulator refused with Meta's throughput error, from Parley's own counter."""
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith("parley_outbox_send_errors_total{") and 'code="130429"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


async def _wait_sent(database: Path, total: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _, states = _sent_times(database)
        if states["sent"] + states["failed"] >= total:
            return
        await asyncio.sleep(0.2)


def run(port: int, sim_port: int, *, rate: float, per_interaction: int) -> dict[str, Any]:
    total = CUSTOMERS * per_interaction
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database = work / "bench.db"
        tokens = asyncio.run(
            seed(f"sqlite:///{database}", work, agents=CUSTOMERS // 2, password=PASSWORD)
        )
        env = node_env(
            f"sqlite:///{database}",
            work,
            auto_accept="true",
            whatsapp_send_rate=str(rate),
            whatsapp_api_base_url=f"http://127.0.0.1:{sim_port}",
        )
        webhook = f"http://127.0.0.1:{port}/webhooks/whatsapp"
        with simulator(sim_port, webhook, env) as sim, parley_node(port, env):
            httpx.post(sim + "/_sim/config", json={"throughput_mps": rate})
            asyncio.run(_customers_write(sim))
            base = f"http://127.0.0.1:{port}"
            held = asyncio.run(_assigned(base, tokens))
            replying = asyncio.run(_reply(port, held, per_interaction))
            asyncio.run(_wait_sent(database, total, seconds=total / rate * 3 + 30))
            _times, states = _sent_times(database)
            accepted, arrivals = asyncio.run(_simulator_counts(sim))
            refused = _refused_by_limit(httpx.get(f"http://127.0.0.1:{port}/metrics").text)
    seconds = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else float("nan")
    return {
        "configured_rate": rate,
        "messages": total,
        "sent": states["sent"],
        "failed": states["failed"],
        "replies_accepted_per_second": round(total / replying, 1),
        "per_second": round((len(arrivals) - 1) / seconds, 1),
        "max_in_any_second": max_in_window(arrivals),
        "refused_by_limit": refused,
        "accepted_by_simulator": sum(accepted.values()),
        "accepted_twice": sum(1 for count in accepted.values() if count > 1),
    }
