"""uvicorn's server for a Parley node: when it stops, the desktops hear "going away".

uvicorn closes open WebSockets with 1012 (service restart) as it shuts down, before the
application hears anything. A node that stops is going away (1001); the desktops show
"Reconnecting" either way, but integrators' clients tell the two apart.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from parley.realtime.hub import Hub

CLOSE_WAIT_SECONDS = 0.5


class NodeServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, hub: Hub) -> None:
        super().__init__(config)
        self.hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.hub.close_all(1001)
        loop = asyncio.get_running_loop()
        until = loop.time() + CLOSE_WAIT_SECONDS
        # a few polls while the writers send their close frames; the hub has no event for it
        while self.hub.connection_count and loop.time() < until:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await super().shutdown(sockets)


def node_server(app: object, config: uvicorn.Config) -> uvicorn.Server:
    """A `NodeServer` for a Parley app (anything else, the simulator say, gets uvicorn's own)."""
    runtime = getattr(getattr(app, "state", None), "runtime", None)
    hub = getattr(runtime, "hub", None)
    return NodeServer(config, hub) if isinstance(hub, Hub) else uvicorn.Server(config)
