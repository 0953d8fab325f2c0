"""`parley demo` as a person runs it: a busy port is one line, Ctrl+C stops it promptly."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import websockets

PARLEY = [sys.executable, "-m", "parley"]


def free_port_pair() -> int:
    """A port N with N+1 free too (the demo's simulator takes the next one)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port + 1)) != 0:
                return port
    raise AssertionError("no free pair of ports")


def environment(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, HOME=str(tmp_path), PARLEY_DATA_DIR=str(tmp_path / "data"))


def test_a_busy_port_stops_the_demo_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*PARLEY, "demo", "--port", str(port)],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"parley: port {port} on 127.0.0.1 is already in use; choose another with --port N "
        "(the simulator takes N+1, or --simulator-port M)"
    ]


async def test_ctrl_c_stops_the_demo_promptly_with_a_desktop_connected(tmp_path: Path) -> None:
    port = free_port_pair()
    demo = await asyncio.create_subprocess_exec(
        *PARLEY,
        "demo",
        "--port",
        str(port),
        "--fresh",
        env=environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                try:
                    if (await client.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            login = await client.post(
                f"{base}/api/v1/auth/login", json={"username": "alice", "password": "parley-demo"}
            )
            token = login.json()["token"]
        url = f"ws://127.0.0.1:{port}/api/v1/events?token={token}"
        async with websockets.connect(url) as desktop:
            await desktop.recv()  # hello
            started = time.monotonic()
            demo.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(desktop.recv(), 5)
            except websockets.ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code in (1001, 1012)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(demo.wait(), 10)
        stopped_after = time.monotonic() - started
    finally:
        if demo.returncode is None:
            demo.kill()
        await demo.wait()
    assert stopped_after < 2, f"the demo took {stopped_after:.1f} s to stop"
