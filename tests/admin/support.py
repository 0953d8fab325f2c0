"""Named staff for the admin API tests: root (admin), sara (supervisor), alice (agent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.clock import Clock
from tests.api.conftest import Api
from tests.factories import add_agent

Headers = dict[str, str]


@dataclass
class Staff:
    admin: Headers
    supervisor: Headers
    agent: Headers


async def staff(api: Api, clock: Clock) -> Staff:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", ready=False, role="admin")
        await add_agent(uow, clock, "sara", ready=False, role="supervisor")
    admin = {"Authorization": f"Bearer {await api.login('root')}"}
    supervisor = {"Authorization": f"Bearer {await api.login('sara')}"}
    agent = await api.agent(clock, "alice")
    api.client.cookies.clear()
    return Staff(admin, supervisor, agent)


async def call(
    api: Api, method: str, path: str, headers: Headers, body: Any = None, status: int = 200
) -> Any:
    response = await api.client.request(method, "/api/v1" + path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def user_id(api: Api, headers: Headers, username: str) -> int:
    users = (await call(api, "GET", "/users", headers))["items"]
    found: int = next(u["id"] for u in users if u["username"] == username)
    return found


async def audit(api: Api, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    response = await api.client.get("/api/v1/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
