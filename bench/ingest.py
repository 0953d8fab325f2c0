"""Inbound: webhooks accepted and fully processed per second, and webhook-to-socket latency.

A Parley node (its own process, fresh database, 100 Ready agents and a supervisor) is driven by
the load generator (another process): first as fast as 32 connections allow, then at fixed
offered rates, timing every message from its webhook POST to its `message.created` event on the
supervisor's WebSocket. The bare endpoint (same FastAPI and uvicorn, signature check only) is
measured in the same run as the ceiling.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.procs import PASSWORD, database_for, node_env, parley_node
from bench.seed import seed


def loadgen(url: str, *, count: int, rate: float, ws: str = "") -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--url",
        url,
        "--count",
        str(count),
        "--rate",
        str(rate),
    ]
    if ws:
        command += ["--ws", ws]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def bare(port: int, count: int) -> dict[str, Any]:
    server = subprocess.Popen([sys.executable, "-m", "bench.bare", "--port", str(port)])
    try:
        _wait_post(port)
        return loadgen(f"http://127.0.0.1:{port}/webhooks/whatsapp", count=count, rate=0)
    finally:
        server.terminate()
        server.wait()


def _wait_post(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/webhooks/whatsapp", content=b"{}", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("bare endpoint did not start")


def parley(
    backend: str, port: int, work: Path, plan: list[tuple[int, float]]
) -> list[dict[str, Any]]:
    import asyncio

    database = database_for(backend, work)
    tokens = asyncio.run(seed(database, work, agents=100, password=PASSWORD))
    results = []
    with parley_node(port, node_env(database, work)):
        base = f"http://127.0.0.1:{port}"
        ws = f"ws://127.0.0.1:{port}/api/v1/events?token={tokens['supervisor']}"
        for count, rate in plan:
            result = loadgen(base + "/webhooks/whatsapp", count=count, rate=rate, ws=ws)
            result["backend"] = backend
            results.append(result)
            print(
                f"  {backend:8} rate={rate or 'max':>6} "
                f"accepted/s={result['accepted_per_second']:8.0f} "
                f"processed/s={result['processed_per_second']:8.0f} "
                f"latency={result['latency_ms']}",
                flush=True,
            )
    return results
