"""Running the simulator under uvicorn (used by `parley simulator` and `parley demo`)."""

from __future__ import annotations

import uvicorn

from ..settings import Settings
from .app import create_simulator_app
from .config import SimulatorOptions

GRACEFUL_SHUTDOWN_SECONDS = 2


def simulator_server(
    settings: Settings,
    host: str,
    port: int,
    webhook_url: str | None,
    *,
    options: SimulatorOptions | None = None,
) -> uvicorn.Server:
    """A uvicorn server for the simulator, to `await server.serve()` beside other servers."""
    app = create_simulator_app(settings, webhook_url, options=options)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        access_log=False,
        # the phone page holds a long-poll open; do not let it stall Ctrl+C for 25 s
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return uvicorn.Server(config)


def run_simulator(
    settings: Settings,
    host: str,
    port: int,
    webhook_url: str | None,
    *,
    options: SimulatorOptions | None = None,
) -> None:
    """Serve the simulator until interrupted (blocking)."""
    simulator_server(settings, host, port, webhook_url, options=options).run()
