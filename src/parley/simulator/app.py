"""`create_simulator_app`: the WhatsApp Cloud API simulator as its own small ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette

from ..settings import Settings
from .config import SimulatorOptions, default_retry_schedule
from .control import control_routes
from .graph import graph_routes
from .phone import phone_routes
from .providers import Clock, system_clock
from .service import Simulator


def create_simulator_app(
    settings: Settings,
    webhook_url: str | None,
    *,
    clock: Clock | None = None,
    http: httpx.AsyncClient | None = None,
    retry_schedule: Sequence[float] | None = None,
    options: SimulatorOptions | None = None,
    state_dir: Path | None = None,
) -> Starlette:
    """Build the simulator. Nothing is started until the app serves requests.

    - `webhook_url`: where signed webhooks go (None: events are logged as `skipped`).
    - `clock`: unix-seconds provider for timestamps, media URL expiry and the 24 h window.
    - `http`: the client used to POST webhooks (tests pass one over `ASGITransport`);
      the caller keeps ownership of a client it passes in.
    - `retry_schedule`: seconds before each webhook retry (default: 0, 1, 2, 5, 10, 30 …
      hourly, about 7 days in all).
    - `options`: behaviour switches (rate limits, auto delivery/read, batching…), see
      `SimulatorOptions`; also changeable at run time with `POST /_sim/config`.
    - `state_dir`: where the customers, their chats and media are kept across restarts
      (`snapshot.py`); None keeps them in memory only.

    The `Simulator` is at `app.state.simulator`; call `await app.state.simulator.aclose()`
    when not running the app under a server that sends lifespan events.
    """
    opts = options if options is not None else SimulatorOptions()
    if webhook_url is not None:
        opts.webhook_url = webhook_url
    schedule = retry_schedule if retry_schedule is not None else default_retry_schedule()
    simulator = Simulator(settings, opts, clock or system_clock, schedule, http, state_dir)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await simulator.aclose()

    app = Starlette(routes=[*phone_routes(), *control_routes(), *graph_routes()], lifespan=lifespan)
    app.state.simulator = simulator
    return app
