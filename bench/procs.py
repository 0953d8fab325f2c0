"""Processes the benchmarks drive: a Parley node and the simulator, each on its own port."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PASSWORD = "bench-password"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH = "postgresql://postgres@127.0.0.1:5432/parley_bench"


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


async def reset_postgres() -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute("DROP DATABASE IF EXISTS parley_bench WITH (FORCE)")
        await connection.execute("CREATE DATABASE parley_bench")
    finally:
        await connection.close()


def database_for(backend: str, work: Path) -> str:
    """A fresh, empty database of this backend."""
    if backend == "postgres":
        asyncio.run(reset_postgres())
        return POSTGRES_BENCH
    return f"sqlite:///{work / 'bench.db'}"


def node_env(database: str, work: Path, **settings: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PARLEY_DATABASE_URL": database,
        "PARLEY_LOG_LEVEL": "WARNING",
        "PARLEY_DATA_DIR": str(work),
        "PARLEY_WHATSAPP_API_BASE_URL": "http://127.0.0.1:9",
    }
    env.update({f"PARLEY_{name.upper()}": value for name, value in settings.items()})
    return env


@contextmanager
def parley_node(port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "parley", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env)
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz")
        yield server
    finally:
        server.terminate()
        server.wait()


@contextmanager
def simulator(port: int, webhook_url: str, env: dict[str, str]) -> Iterator[str]:
    command = [
        sys.executable,
        "-m",
        "parley",
        "simulator",
        "--port",
        str(port),
        "--webhook-url",
        webhook_url,
    ]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/_sim/config")
        yield base
    finally:
        process.terminate()
        process.wait()


def log_in(base: str, username: str) -> str:
    response = httpx.post(
        base + "/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    token: str = response.json()["token"]
    return token


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")
