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
import pytest
import websockets

PARLEY = [sys.executable, "-m", "parley"]


def free_port_pair() -> int:
    """A port N with N+1 free too (the demo's simulator takes the next one)."""
    for _ in range(50):
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port: int = first.getsockname()[1]
            try:  # bound, not connected to: the local end of a client's connection counts too
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
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


def test_a_second_demo_on_the_same_data_stops_before_wiping_anything(tmp_path: Path) -> None:
    """One node per SQLite database: a second `demo --fresh` must not delete the files of the
    one running (it would keep acknowledging webhooks into a deleted file)."""
    data = tmp_path / "data"
    data.mkdir()
    kept = [data / "demo.db", data / "demo.db.webhooks.db", data / "demo-phones" / "state.json"]
    for path in kept:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"running")
    url = f"sqlite:///{data / 'demo.db'}"
    script = (
        "import sys; from parley.db.gate import hold_node_lock; "
        f"hold_node_lock({url!r}); print('held', flush=True); sys.stdin.readline()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [*PARLEY, "demo", "--fresh", "--port", str(free_port_pair())],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.communicate()
    assert done.returncode == 1
    assert f"in use by another Parley node (process {holder.pid})" in done.stderr
    assert all(path.read_bytes() == b"running" for path in kept)


class Demo:
    """`parley demo` as a process: its banner read line by line until it is up."""

    def __init__(self, tmp_path: Path, port: int) -> None:
        self.tmp_path, self.port = tmp_path, port
        self.process: asyncio.subprocess.Process | None = None
        self.banner: list[str] = []

    def _errors(self) -> int:
        """The demo's stderr, kept for the failure message (appended across restarts)."""
        return os.open(self.tmp_path / "demo-stderr.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    @property
    def desktop(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def phone(self) -> str:
        return f"http://127.0.0.1:{self.port + 1}"

    async def start(self, *flags: str) -> None:
        errors = self._errors()
        self.process = await asyncio.create_subprocess_exec(
            *PARLEY,
            "demo",
            "--port",
            str(self.port),
            *flags,
            env=environment(self.tmp_path),
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        os.close(errors)  # the child has its own
        assert self.process.stdout is not None
        self.banner = []
        while not any("Stop with Ctrl+C" in line for line in self.banner):
            line = await asyncio.wait_for(self.process.stdout.readline(), 120)
            said = (self.tmp_path / "demo-stderr.log").read_text(errors="replace")[-2000:]
            assert line, f"the demo stopped before it was up: {self.banner}; stderr: {said}"
            self.banner.append(line.decode().rstrip())
        # the state line follows the instructions
        self.banner.append((await self.process.stdout.readline()).decode().rstrip())
        self.banner.append((await self.process.stdout.readline()).decode().rstrip())

    async def interrupt(self) -> float:
        """SIGINT; the seconds until the process has gone."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), 10)
        return time.monotonic() - started

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def customer_writes(demo: Demo, text: str) -> None:
    async with httpx.AsyncClient(base_url=demo.phone) as client:
        sent = await client.post(
            "/_sim/customers/447700900123/messages",
            json={"type": "text", "text": {"body": text}},
        )
        sent.raise_for_status()


@pytest.mark.e2e
async def test_ctrl_c_stops_the_demo_promptly_with_pages_open_and_it_comes_back_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desktop, a phone page and an API client's socket are open: Ctrl+C stops the demo in
    under 2 s, the socket closes with 1001 and both pages say they are reconnecting. Started
    again, the demo carries on: the phone page still holds its conversation."""
    from playwright.async_api import async_playwright, expect

    from tests.e2e.conftest import ARGS, CHROMIUM, shot

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    demo = Demo(tmp_path, free_port_pair())
    try:
        await demo.start("--fresh")
        assert "Started fresh" in demo.banner[-2] + demo.banner[-1]
        await customer_writes(demo, "Is my order on its way?")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            desktop = await (await browser.new_context()).new_page()
            await desktop.goto(demo.desktop)
            await desktop.get_by_label("Username").fill("alice")
            await desktop.get_by_label("Password").fill("parley-demo")
            await desktop.get_by_role("button", name="Log in").click()
            await expect(desktop.get_by_role("button", name="Log out")).to_be_visible()
            phone = await (await browser.new_context()).new_page()
            await phone.goto(demo.phone)
            await phone.get_by_label("Customer").select_option("447700900123")
            chat = phone.get_by_role("log", name="Chat")
            await expect(chat.get_by_text("Is my order on its way?")).to_be_visible()
            async with httpx.AsyncClient() as client:
                login = await client.post(
                    f"{demo.desktop}/api/v1/auth/login",
                    json={"username": "alice", "password": "parley-demo"},
                )
            url = f"ws://127.0.0.1:{demo.port}/api/v1/events?token={login.json()['token']}"
            async with websockets.connect(url) as client_socket:
                await client_socket.recv()  # hello
                stopped_after = await demo.interrupt()
                with contextlib.suppress(TimeoutError, websockets.ConnectionClosed):
                    await asyncio.wait_for(client_socket.recv(), 5)
                assert client_socket.close_code == 1001
            assert stopped_after < 2, f"the demo took {stopped_after:.1f} s to stop"
            await expect(
                desktop.get_by_role("status").filter(has_text="Reconnecting")
            ).to_be_visible(timeout=5_000)
            await expect(phone.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible(
                timeout=5_000
            )
            await shot(desktop, "demo-stopped-desktop-reconnecting")
            await shot(phone, "demo-stopped-phone-reconnecting")

            await demo.start()
            assert "Carried on from the last run" in demo.banner[-2] + demo.banner[-1]
            await expect(phone.get_by_role("status")).to_be_hidden(timeout=10_000)
            await expect(chat.get_by_text("Is my order on its way?")).to_be_visible()
            await phone.reload()
            await phone.get_by_label("Customer").select_option("447700900123")
            await expect(chat.get_by_text("Is my order on its way?")).to_be_visible()
            # the desktop, still logged in, reconnects to the same data
            await expect(
                desktop.get_by_role("status").filter(has_text="Reconnecting")
            ).to_be_hidden(timeout=15_000)
            await expect(desktop.get_by_role("button", name="Log out")).to_be_visible()
            await browser.close()
    finally:
        await demo.kill()


def test_fresh_wipes_the_webhook_log_with_the_database(tmp_path: Path) -> None:
    """Webhooks left unprocessed by the last run are not ingested into the fresh demo."""
    from parley.demo import demo_settings
    from parley.settings import Settings

    data = tmp_path / "data"
    data.mkdir()
    names = ["demo.db", "demo.db-wal", "demo.db.webhooks.db", "demo.db.webhooks.db-wal"]
    for name in names:
        (data / name).write_bytes(b"old")
    settings = Settings(data_dir=data, _env_file=None)  # type: ignore[call-arg]
    updated, _ = demo_settings(settings, None, 8799, None, fresh=True)
    assert updated.database_url == f"sqlite:///{data / 'demo.db'}"
    assert [name for name in names if (data / name).exists()] == []
