from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from parley.app import create_app
from parley.clock import FixedClock
from parley.runtime import Runtime
from parley.settings import Settings
from tests.factories import PASSWORD, add_agent


@dataclass
class Api:
    client: httpx.AsyncClient
    runtime: Runtime

    async def login(self, username: str) -> str:
        """Log in by API; returns the bearer token."""
        response = await self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    async def agent(
        self, clock: FixedClock, username: str, *, ready: bool = True
    ) -> dict[str, str]:
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
async def api(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    graph = httpx.AsyncClient(transport=httpx.MockTransport(meta_ok))
    app = create_app(settings, clock=clock, graph_http=graph, migrate=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client, app.state.runtime)
