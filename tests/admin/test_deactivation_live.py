"""Deactivating a user closes their open event stream at once, over a real server and socket."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from parley.app import create_app
from parley.commands import add_user
from parley.settings import Settings
from tests.api.conftest import meta_ok
from tests.api.test_events import closed_with, next_of
from tests.factories import PASSWORD
from tests.live import free_port, serving


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
            loop = asyncio.get_running_loop()
            started = loop.time()
            answer = await http.post(f"/api/v1/users/{alice_id}/deactivate", headers=admin)
            assert answer.status_code == 200, answer.text
            assert await closed_with(ws, within=2) == 4401  # the desktop's "session ended"
            assert loop.time() - started < 2
            # The admin's own stream hears that Alice is logged out, and stays open.
            agent = await next_of(watcher, "agent.updated")
            assert agent["agent"]["id"] == alice_id and agent["agent"]["status"] == "logged_out"
        # A socket opened afterwards with her old token is refused.
        async with connect(base + alice) as again:
            assert await closed_with(again) == 4401
