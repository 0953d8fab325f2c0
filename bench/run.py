"""Parley's ingest benchmark: one command, one machine, one table.

    python -m bench.run [--quick] [--backends sqlite,postgres]

For each backend it starts `parley serve` as its own process on a fresh database with 100 Ready
agents and a supervisor, then drives it with the load generator (another process): first as fast
as 32 connections allow, then at fixed offered rates, timing every message from its webhook POST
to its `message.created` event on the supervisor's WebSocket. The bare endpoint (same FastAPI and
uvicorn, signature check only) is measured in the same run as the ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.seed import seed

PASSWORD = "bench-password"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH = "postgresql://postgres@127.0.0.1:5432/parley_bench"
RESULTS = Path(__file__).parent / "results"


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


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
        wait_ready_post(port)
        return loadgen(f"http://127.0.0.1:{port}/webhooks/whatsapp", count=count, rate=0)
    finally:
        server.terminate()
        server.wait()


def wait_ready_post(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/webhooks/whatsapp", content=b"{}", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("bare endpoint did not start")


async def reset_postgres() -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute("DROP DATABASE IF EXISTS parley_bench WITH (FORCE)")
        await connection.execute("CREATE DATABASE parley_bench")
    finally:
        await connection.close()


def parley(
    backend: str, port: int, work: Path, plan: list[tuple[int, float]]
) -> list[dict[str, Any]]:
    if backend == "postgres":
        asyncio.run(reset_postgres())
        database = POSTGRES_BENCH
    else:
        database = f"sqlite:///{work / 'bench.db'}"
    env = {
        **os.environ,
        "PARLEY_DATABASE_URL": database,
        "PARLEY_LOG_LEVEL": "WARNING",
        "PARLEY_DATA_DIR": str(work),
        "PARLEY_WHATSAPP_API_BASE_URL": "http://127.0.0.1:9",
    }
    asyncio.run(seed(database, work, agents=100, password=PASSWORD))
    server = subprocess.Popen(
        [sys.executable, "-m", "parley", "serve", "--port", str(port)], env=env
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/readyz")
        token = httpx.post(
            base + "/api/v1/auth/login", json={"username": "supervisor", "password": PASSWORD}
        ).json()["token"]
        ws = f"ws://127.0.0.1:{port}/api/v1/events?token={token}"
        results = []
        for count, rate in plan:
            result = loadgen(base + "/webhooks/whatsapp", count=count, rate=rate, ws=ws)
            result["backend"] = backend
            results.append(result)
            print(
                f"  {backend:8} rate={rate or 'max':>6} accepted/s={result['accepted_per_second']:8.0f}"
                f" processed/s={result['processed_per_second']:8.0f} latency={result['latency_ms']}",
                flush=True,
            )
        return results
    finally:
        server.terminate()
        server.wait()


def table(bare_result: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    ceiling = bare_result["accepted_per_second"]
    lines = [
        "| server | offered rate (/s) | accepted (/s) | fully processed (/s) | vs bare | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
        f"| bare endpoint | max | {ceiling:.0f} | – | 100 % | – | – | – |",
    ]
    for r in runs:
        rate = "max" if not r["offered_rate"] else f"{r['offered_rate']:.0f}"
        lat = r["latency_ms"] or {}
        ratio = (
            f"{100 * r['processed_per_second'] / ceiling:.0f} %" if not r["offered_rate"] else "–"
        )
        lines.append(
            f"| Parley, {r['backend']} | {rate} | {r['accepted_per_second']:.0f} | "
            f"{r['processed_per_second']:.0f} ({r['processed']}/{r['count']}) | {ratio} | "
            f"{lat.get('p50', '–')} | {lat.get('p95', '–')} | {lat.get('p99', '–')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer messages per step")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    scale = 0.3 if args.quick else 1.0
    burst = int(10000 * scale)
    plan = [(burst, 0.0)] + [(int(rate * 8 * scale), rate) for rate in (250, 500, 1000, 1500)]
    print(
        f"Parley ingest benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    bare_result = bare(8190, burst * 2)
    print(
        f"  bare     rate=   max accepted/s={bare_result['accepted_per_second']:8.0f}", flush=True
    )
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, backend in enumerate(args.backends.split(",")):
            work = Path(tmp) / backend
            work.mkdir()
            runs += parley(backend, 8191 + n, work, plan)
    print()
    print(table(bare_result, runs))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"ingest-{stamp}.json").write_text(
        json.dumps({"bare": bare_result, "runs": runs}, indent=1)
    )


if __name__ == "__main__":
    main()
