from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from parley.app import create_app
from parley.clock import Clock, FixedClock
from parley.realtime.bus import Envelope, InProcessBus
from parley.runtime import Runtime
from parley.settings import Settings
from parley.simulator.templates import seed_templates
from tests.conftest import make_settings
from tests.factories import PASSWORD, add_agent


class RecordingBus(InProcessBus):
    """The in-process bus, keeping every envelope it carried."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Envelope] = []

    async def publish(self, envelope: Envelope) -> None:
        self.published.append(envelope)
        await super().publish(envelope)


@dataclass
class GraphRecorder:
    """Meta's `/messages` endpoint: records each JSON body, answers as Meta does."""

    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/message_templates"):
            # The business account's templates: the simulator's seeded set, on one page.
            return httpx.Response(200, json={"data": seed_templates()})
        body = json.loads(request.content)
        self.requests.append(body)
        if "status" in body:  # mark as read, with or without the typing indicator
            return httpx.Response(200, json={"success": True})
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": str(body.get("to")).lstrip("+")}],
                "messages": [{"id": f"wamid.OUT{len(self.requests)}"}],
            },
        )

    async def wait_for(self, n: int) -> list[dict[str, Any]]:
        for _ in range(300):
            if len(self.requests) >= n:
                return self.requests
            await asyncio.sleep(0.01)
        raise AssertionError(f"expected {n} Graph calls, saw {self.requests}")


@dataclass
class Api:
    client: httpx.AsyncClient
    runtime: Runtime
    graph: GraphRecorder = field(default_factory=GraphRecorder)
    bus: RecordingBus = field(default_factory=RecordingBus)

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [e.event for e in self.bus.published if e.event["type"] == kind]

    async def login(self, username: str) -> str:
        """Log in by API; returns the bearer token."""
        response = await self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    async def agent(self, clock: Clock, username: str, *, ready: bool = True) -> dict[str, str]:
        async with self.runtime.uow() as uow:
            await add_agent(uow, clock, username, ready=False)
        token = await self.login(username)
        headers = {"Authorization": f"Bearer {token}"}
        if ready:
            response = await self.client.put(
                "/api/v1/me/status", json={"status": "ready"}, headers=headers
            )
            assert response.status_code == 200
        self.client.cookies.clear()
        return headers


def meta_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "messaging_product": "whatsapp",
            "contacts": [{"input": "+5511987654321", "wa_id": "5511987654321"}],
            "messages": [{"id": f"wamid.API{len(request.content)}"}],
        },
    )


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # Most API tests start where the agent already holds the interaction; offers have their own.
    return make_settings(tmp_path, database_url=database_url, auto_accept=True)


@asynccontextmanager
async def running_api(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    """The whole app (workers included) over ASGI, its Graph API recorded, its events kept."""
    graph, bus = GraphRecorder(), RecordingBus()
    http = httpx.AsyncClient(transport=httpx.MockTransport(graph))
    app = create_app(settings, clock=clock, bus=bus, graph_http=http, migrate=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client, app.state.runtime, graph, bus)
    await http.aclose()


ApiFactory = Callable[..., AbstractAsyncContextManager[Api]]


@pytest.fixture
def api_with(tmp_path: Path, database_url: str, clock: FixedClock) -> ApiFactory:
    """`async with api_with(auto_accept=False) as api:` an app with other settings."""

    def build(**overrides: object) -> AbstractAsyncContextManager[Api]:
        values: dict[str, object] = {"database_url": database_url, "auto_accept": True}
        values.update(overrides)
        return running_api(make_settings(tmp_path, **values), clock)

    return build


@pytest.fixture
async def api(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    async with running_api(settings, clock) as started:
        yield started
