"""`WS /api/v1/events`: the agent's live stream, over a real server."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import update
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from parley.app import create_app
from parley.auth.models import AuthToken
from parley.db.engine import build_engine
from parley.settings import Settings
from parley.whatsapp.signature import sign
from tests.api.conftest import meta_ok
from tests.factories import PASSWORD, text_webhook
from tests.live import free_port, serving

SECRET = "parley-dev-app-secret"


async def next_of(ws: ClientConnection, kind: str, within: float = 5) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            event: dict[str, Any] = json.loads(await ws.recv())
            if event["type"] == kind:
                return event


@pytest.fixture
async def server(settings: Settings, tmp_path: Path) -> Any:
    graph = httpx.AsyncClient(transport=httpx.MockTransport(meta_ok))
    app = create_app(settings, graph_http=graph, migrate=False)
    async with serving(app, free_port()) as url:
        from parley.commands import add_user

        await add_user(settings, "alice", "agent", "Alice Agent", PASSWORD)
        yield url


async def test_events_reach_the_agent_live(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        login = await http.post(
            "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
        )
        token = login.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        ws_url = server.replace("http", "ws") + f"/api/v1/events?token={token}"
        async with connect(ws_url) as ws:
            assert (await next_of(ws, "hello"))["id"] == 0
            await http.put("/api/v1/me/status", json={"status": "ready"}, headers=auth)
            agent = await next_of(ws, "agent.updated")
            assert agent["agent"]["status"] == "ready"
            body = orjson.dumps(
                text_webhook("5511987654321", "Hi there", "wamid.WS1", timestamp=int(time.time()))
            )
            await http.post(
                "/webhooks/whatsapp",
                content=body,
                headers={"X-Hub-Signature-256": sign(body, SECRET)},
            )
            offered = await next_of(ws, "interaction.offered")
            assert offered["interaction"]["contact"]["name"] == "Ana Souza"
            iid = offered["interaction"]["id"]
            sent = await http.post(
                f"/api/v1/interactions/{iid}/messages",
                json={"text": "Hello Ana", "client_id": "w1"},
                headers=auth,
            )
            assert sent.status_code == 201
            created = await next_of(ws, "message.created")
            assert created["message"]["text"] == "Hello Ana"
            assert created["message"]["client_id"] == "w1"
            updated = await next_of(ws, "message.updated")
            assert updated["message"]["status"] == "sent"
            assert updated["id"] > created["id"] > offered["id"]


async def closed_with(ws: ClientConnection, within: float = 5) -> int | None:
    """Read until the server closes the socket; its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(within):
            while True:
                await ws.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


async def test_the_stream_refuses_strangers(server: str) -> None:
    ws_url = server.replace("http", "ws") + "/api/v1/events?token=not-a-token"
    async with connect(ws_url) as ws:
        # a close code the desktop understands (back to its login page), not a bare HTTP 403
        assert await closed_with(ws) == 4401


async def login(http: httpx.AsyncClient) -> str:
    response = await http.post(
        "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    token: str = response.json()["token"]
    return token


async def test_logging_out_closes_the_sessions_sockets(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        token, other = await login(http), await login(http)
        base = server.replace("http", "ws") + "/api/v1/events?token="
        async with connect(base + token) as ws, connect(base + other) as stays:
            await next_of(ws, "hello")
            await next_of(stays, "hello")
            out = await http.post(
                "/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
            )
            assert out.status_code == 204
            assert await closed_with(ws) == 4401
            # the same user's other session keeps its stream
            await http.put(
                "/api/v1/me/status", json={"status": "ready"},
                headers={"Authorization": f"Bearer {other}"},
            )  # fmt: skip
            assert (await next_of(stays, "agent.updated"))["agent"]["status"] == "logged_out"
            assert (await next_of(stays, "agent.updated"))["agent"]["status"] == "ready"


async def test_an_expiring_session_closes_its_socket(server: str, settings: Settings) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        token = await login(http)
    engine = build_engine(settings)
    async with engine.begin() as connection:
        soon = datetime.now(UTC) + timedelta(seconds=1)
        await connection.execute(update(AuthToken).values(expires_at=soon))
    await engine.dispose()
    async with connect(server.replace("http", "ws") + f"/api/v1/events?token={token}") as ws:
        await next_of(ws, "hello")
        assert await closed_with(ws) == 4401


async def test_api_clients_may_authenticate_with_a_bearer_header(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        token = await login(http)
    url = server.replace("http", "ws") + "/api/v1/events"
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert (await next_of(ws, "hello"))["id"] == 0
    async with connect(url, additional_headers={"Authorization": "Bearer nope"}) as ws:
        assert await closed_with(ws) == 4401


async def test_binary_frames_are_ignored(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        token = await login(http)
        async with connect(server.replace("http", "ws") + f"/api/v1/events?token={token}") as ws:
            await next_of(ws, "hello")
            await ws.send(b"\x00\x01binary")
            await ws.send("text is ignored too")
            await http.put(
                "/api/v1/me/status", json={"status": "ready"},
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip
            assert (await next_of(ws, "agent.updated"))["agent"]["status"] == "ready"
