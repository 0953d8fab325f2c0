"""Deactivating a user closes their open event stream at once, over a real server and socket."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from parley.app import create_app
from parley.commands import add_user
from parley.realtime.bus import RedisBus
from parley.settings import Settings
from tests.api.conftest import meta_ok
from tests.api.test_events import closed_with, next_of
from tests.conftest import _truncate, make_settings
from tests.factories import PASSWORD
from tests.live import free_port, serving
from tests.realtime.test_bus import REDIS_URL


@pytest.fixture
async def server(settings: Settings, tmp_path: Path) -> Any:
    graph = httpx.AsyncClient(transport=httpx.MockTransport(meta_ok))
    app = create_app(settings, graph_http=graph, migrate=False)
    async with serving(app, free_port()) as url:
        await add_user(settings, "alice", "agent", "Alice Agent", PASSWORD)
        await add_user(settings, "root", "admin", "Root Admin", PASSWORD)
        yield url


async def token_of(http: httpx.AsyncClient, username: str) -> str:
    answer = await http.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    token: str = answer.json()["token"]
    return token


async def test_deactivation_closes_the_users_socket_at_once(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        alice, root = await token_of(http, "alice"), await token_of(http, "root")
        admin = {"Authorization": f"Bearer {root}"}
        base = server.replace("http", "ws") + "/api/v1/events?token="
        async with connect(base + alice) as ws, connect(base + root) as watcher:
            await next_of(ws, "hello")
            await next_of(watcher, "hello")
            users = (await http.get("/api/v1/users", headers=admin)).json()["items"]
            alice_id = next(u["id"] for u in users if u["username"] == "alice")
            answer = await http.post(f"/api/v1/users/{alice_id}/deactivate", headers=admin)
            assert answer.status_code == 200, answer.text
            # Closed by the deactivation itself, long before any sweep (60 s) could have.
            assert await closed_with(ws, within=10) == 4401  # the desktop's "session ended"
            # The admin's own stream hears that Alice is logged out, and stays open.
            agent = await next_of(watcher, "agent.updated")
            assert agent["agent"]["id"] == alice_id and agent["agent"]["status"] == "logged_out"
        # A socket opened afterwards with her old token is refused.
        async with connect(base + alice) as again:
            assert await closed_with(again) == 4401


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_socket_on_another_node_closes_too(postgres_ready: str, tmp_path: Path) -> None:
    """Two nodes on one PostgreSQL and one Redis: the admin deactivates Alice on node A while
    her desktop's stream is on node B."""
    settings = make_settings(tmp_path, database_url=postgres_ready)
    await _truncate(postgres_ready, tmp_path)
    channel = f"parley:test:{uuid.uuid4().hex}"
    graph = httpx.AsyncClient(transport=httpx.MockTransport(meta_ok))
    a = create_app(settings, graph_http=graph, migrate=False, bus=RedisBus(REDIS_URL, channel))
    b = create_app(settings, graph_http=graph, migrate=False, bus=RedisBus(REDIS_URL, channel))
    async with serving(a, free_port()) as url_a, serving(b, free_port()) as url_b:
        await add_user(settings, "alice", "agent", "Alice Agent", PASSWORD)
        await add_user(settings, "root", "admin", "Root Admin", PASSWORD)
        async with httpx.AsyncClient(base_url=url_a) as http:
            alice, root = await token_of(http, "alice"), await token_of(http, "root")
            admin = {"Authorization": f"Bearer {root}"}
            ws_url = url_b.replace("http", "ws") + f"/api/v1/events?token={alice}"
            async with connect(ws_url) as ws:
                await next_of(ws, "hello")
                users = (await http.get("/api/v1/users", headers=admin)).json()["items"]
                alice_id = next(u["id"] for u in users if u["username"] == "alice")
                answer = await http.post(f"/api/v1/users/{alice_id}/deactivate", headers=admin)
                assert answer.status_code == 200, answer.text
                assert await closed_with(ws, within=3) == 4401
    await graph.aclose()
