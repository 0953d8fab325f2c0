"""The simulator's server stops without waiting for a phone page's long poll, and two servers
started without their own signal handlers stop together when told (as `parley demo` does)."""

from __future__ import annotations

import asyncio
import signal
import time

import httpx
import uvicorn

from parley.node_server import node_server
from parley.settings import Settings
from parley.simulator import create_simulator_app
from tests.live import free_port

GRACE = 5  # uvicorn's graceful-shutdown timeout here: a stop that waits for the poll takes this


async def test_a_long_poll_does_not_hold_the_stop_up(settings: Settings) -> None:
    ports = [free_port(), free_port()]
    servers = []
    for port in ports:
        app = create_simulator_app(settings, None)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=GRACE
        )
        servers.append(node_server(app, config, own_signals=False))
    before = signal.getsignal(signal.SIGINT)
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    while not all(s.started for s in servers):  # noqa: ASYNC110 (uvicorn has no event for it)
        await asyncio.sleep(0.02)
    assert signal.getsignal(signal.SIGINT) is before  # the caller keeps the signals
    async with httpx.AsyncClient(timeout=30) as client:
        polls = [
            asyncio.create_task(client.get(f"http://127.0.0.1:{p}/_sim/changes?since=0&timeout=25"))
            for p in ports
        ]
        await asyncio.sleep(0.3)
        assert not any(p.done() for p in polls)  # both are waiting
        started = time.monotonic()
        for server in servers:
            server.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), GRACE * 2)
        took = time.monotonic() - started
        answers = await asyncio.gather(*polls)
    assert took < GRACE / 2, f"the stop took {took:.1f} s"
    assert [a.status_code for a in answers] == [200, 200]
