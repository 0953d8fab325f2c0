"""uvicorn's server for a Parley node (and the demo's simulator): when it stops, the desktops
hear "going away" and nothing open holds the stop up.

uvicorn closes open WebSockets with 1012 (service restart) as it shuts down, before the
application hears anything. A node that stops is going away (1001); the desktops show
"Reconnecting" either way, but integrators' clients tell the two apart. The simulator's phone
pages hold a long poll open: it is answered at once, instead of uvicorn waiting for it until its
graceful-shutdown timeout.

Two servers in one process (`parley demo`) must not each take the signals: uvicorn's handler of
the last one started hides the other's until its own shutdown is over, so they would stop one
after the other. `own_signals=False` leaves the signals to the caller, who stops both at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable, Generator

import uvicorn

from parley.realtime.hub import Hub

CLOSE_WAIT_SECONDS = 0.5


def node_config(app: object, host: str, port: int, **options: object) -> uvicorn.Config:
    """uvicorn's settings for a Parley node; `options` are more of uvicorn's own.

    The event stream is sent uncompressed. permessage-deflate (RFC 7692) keeps a zlib context
    per socket in both directions (hundreds of KB each with context takeover) and compresses
    every frame: for events of a few hundred bytes it cost a busy node about a tenth of its CPU,
    and a node holds a socket per desktop. Node's `ws` server leaves it off by default for the
    same reasons ("a significant overhead in terms of performance and memory consumption")."""
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        ws_per_message_deflate=False,
        **options,  # type: ignore[arg-type]
    )


class NodeServer(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        hub: Hub | None = None,
        *,
        release: Callable[[], None] | None = None,
        own_signals: bool = True,
    ) -> None:
        super().__init__(config)
        self.hub = hub
        self.release = release
        self.own_signals = own_signals

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None]:
        if not self.own_signals:
            yield
            return
        with super().capture_signals():
            yield

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.release is not None:
            self.release()
        if self.hub is not None:
            self.hub.close_all(1001)
            loop = asyncio.get_running_loop()
            until = loop.time() + CLOSE_WAIT_SECONDS
            # a few polls while the writers send their close frames; the hub has no event for it
            while self.hub.connection_count and loop.time() < until:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        await super().shutdown(sockets)

    def stop(self) -> None:
        """Begin the graceful stop (a second call forces it), as uvicorn's signal handler does."""
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


def node_server(app: object, config: uvicorn.Config, *, own_signals: bool = True) -> NodeServer:
    """A `NodeServer` for a Parley app (its event sockets close with 1001) or the simulator (its
    long polls are answered at once)."""
    state = getattr(app, "state", None)
    hub = getattr(getattr(state, "runtime", None), "hub", None)
    simulator = getattr(state, "simulator", None)
    release = getattr(getattr(simulator, "store", None), "release_waiters", None)
    return NodeServer(
        config,
        hub if isinstance(hub, Hub) else None,
        release=release if callable(release) else None,
        own_signals=own_signals,
    )
