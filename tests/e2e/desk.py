"""Helpers for the desktop's browser tests: a Parley + simulator pair that can be restarted,
customers who write through the simulator's control API, and an agent logged in and Ready."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from playwright.async_api import Page, expect

from parley.app import create_app
from parley.commands import add_user
from parley.settings import Settings
from parley.simulator import create_simulator_app
from tests.factories import PASSWORD
from tests.live import free_port, serving

ANA = "5511987654321"
BRUNO = "5511912345678"


@dataclass
class Desk:
    settings: Settings
    port: int
    phone: str
    simulator: Any
    _server: AsyncExitStack = field(default_factory=AsyncExitStack)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start_server(self) -> None:
        await self._server.enter_async_context(
            serving(create_app(self.settings, migrate=False), self.port)
        )

    async def stop_server(self) -> None:
        await self._server.aclose()
        self._server = AsyncExitStack()

    async def customer_says(self, wa_id: str, message: dict[str, Any], name: str = "") -> str:
        body = {**message, **({"profile_name": name} if name else {})}
        async with httpx.AsyncClient(base_url=self.phone) as client:
            answer = await client.post(f"/_sim/customers/{wa_id}/messages", json=body)
            answer.raise_for_status()
            return str(answer.json()["id"])

    async def say(self, wa_id: str, text: str) -> str:
        return await self.customer_says(wa_id, {"type": "text", "text": {"body": text}})

    async def phone_messages(self, wa_id: str) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self.phone) as client:
            answer = await client.get(f"/_sim/customers/{wa_id}/messages")
            answer.raise_for_status()
            messages: list[dict[str, Any]] = answer.json()["messages"]
            return messages

    async def customer(self, wa_id: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.phone) as client:
            answer = await client.get(f"/_sim/customers/{wa_id}")
            answer.raise_for_status()
            found: dict[str, Any] = answer.json()
            return found


@asynccontextmanager
async def desk(settings: Settings, **changes: Any) -> AsyncIterator[Desk]:
    """Parley and the simulator on real ports; `changes` override settings (e.g. auto_accept)."""
    port, sim_port = free_port(), free_port()
    settings = settings.model_copy(
        update={"whatsapp_api_base_url": f"http://127.0.0.1:{sim_port}", **changes}
    )
    await add_user(settings, "alice", "agent", "Alice Martins", PASSWORD)
    simulator = create_simulator_app(settings, f"http://127.0.0.1:{port}/webhooks/whatsapp")
    simulator.state.simulator.add_customer(ANA, "Ana Souza")
    simulator.state.simulator.add_customer(BRUNO, "Bruno Lima")
    async with serving(simulator, sim_port) as phone:
        d = Desk(settings, port, phone, simulator.state.simulator)
        await d.start_server()
        try:
            yield d
        finally:
            await d.stop_server()


async def log_in(page: Page, url: str, username: str = "alice") -> None:
    await page.goto(url)
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()


async def go_ready(page: Page, url: str) -> None:
    await log_in(page, url)
    await page.get_by_role("button", name="Ready", exact=True).click()
    await expect(page.get_by_role("button", name="Ready", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def entry(page: Page, name: str) -> Any:
    """The interaction bar's button for a contact."""
    return page.get_by_role("navigation", name="Interactions").get_by_role(
        "button", name=name, exact=True
    )


def card(page: Page, name: str) -> Any:
    """The interaction bar's whole entry for a contact: its name button, preview, time, tags."""
    nav = page.get_by_role("navigation", name="Interactions")
    return nav.get_by_role("listitem").filter(
        has=page.get_by_role("button", name=name, exact=True)  # looked for inside each item
    )


async def open_chat(page: Page, name: str) -> None:
    """Click the contact's interaction and accept it if it is offered."""
    await entry(page, name).click()
    accept = page.get_by_role("button", name="Accept")
    if await accept.count():
        await accept.click()
    await expect(page.get_by_role("textbox", name="Message")).to_be_enabled()


def transcript(page: Page) -> Any:
    return page.get_by_role("region", name="Transcript")


async def open_view(page: Page, name: str) -> None:
    """Click a view's tab in the top bar, or pick it from the More menu where tabs that do not
    fit the bar's width go."""
    tab = page.get_by_role("tablist", name="Views").get_by_role("tab", name=name, exact=True)
    if not await tab.count():
        await page.get_by_role("button", name="More ▾").click()
        await page.get_by_role("menuitem", name=name, exact=True).click()
    else:
        await tab.click()
    await expect(tab).to_have_attribute("aria-selected", "true")
