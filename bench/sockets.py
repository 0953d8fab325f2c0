"""1,000 WebSockets on one node: memory per connection and the time to fan an event out.

The sockets belong to 1,000 supervisors, who see every message, so one inbound message is one
event for all of them. The time is measured from the webhook POST to the moment the last
socket has the `message.created` frame (this process reads all 1,000 sockets, so the figure
includes its own reading).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench.loadgen import body_for, sign
from bench.procs import PASSWORD, database_for, node_env, parley_node, rss_bytes
from bench.seed import seed


async def _open(url: str) -> ClientConnection:
    ws = await connect(url, max_queue=None, compression=None)
    await ws.recv()  # the hello frame: the connection is registered
    return ws


async def _until_created(ws: ClientConnection, wamid: str) -> float:
    while True:
        event = orjson.loads(await ws.recv())
        if event.get("type") == "message.created" and event["message"]["wamid"] == wamid:
            return time.perf_counter()


async def _fan_out(base: str, sockets: list[ClientConnection], rounds: int) -> list[float]:
    seconds: list[float] = []
    async with httpx.AsyncClient(base_url=base) as http:
        for n in range(rounds):
            wamid, body = body_for("fan", n, 50)
            waits = [asyncio.create_task(_until_created(ws, wamid)) for ws in sockets]
            start = time.perf_counter()
            response = await http.post(
                "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body)}
            )
            response.raise_for_status()
            done = await asyncio.wait_for(asyncio.gather(*waits), 30)
            seconds.append(max(done) - start)
    return seconds


async def _measure(base: str, tokens: list[str], pid: int, rounds: int) -> dict[str, Any]:
    ws_base = base.replace("http", "ws", 1) + "/api/v1/events?token="
    warm = await _open(ws_base + tokens[0])  # imports and first-use caches are not per socket
    await warm.close()
    await asyncio.sleep(0.5)
    before = rss_bytes(pid)
    start = time.perf_counter()
    sockets = []
    for chunk in range(0, len(tokens), 100):
        sockets += await asyncio.gather(*(_open(ws_base + t) for t in tokens[chunk : chunk + 100]))
    connect_seconds = time.perf_counter() - start
    await asyncio.sleep(0.5)
    after = rss_bytes(pid)
    try:
        fan = await _fan_out(base, sockets, rounds)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))
    fan_ms = sorted(s * 1000 for s in fan)
    return {
        "sockets": len(sockets),
        "connect_seconds": round(connect_seconds, 2),
        "rss_before_mb": round(before / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "kb_per_socket": round((after - before) / len(sockets) / 1024, 1),
        "fan_out_ms": {
            "p50": round(statistics.median(fan_ms), 1),
            "max": round(fan_ms[-1], 1),
            "rounds": rounds,
        },
    }


def run(port: int, *, sockets: int = 1000, rounds: int = 20) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database = database_for("sqlite", work)
        tokens = asyncio.run(seed(database, work, agents=0, supervisors=sockets, password=PASSWORD))
        with parley_node(port, node_env(database, work)) as server:
            base = f"http://127.0.0.1:{port}"
            return asyncio.run(_measure(base, list(tokens.values()), server.pid, rounds))
