"""A whole Parley (server + simulator on real ports) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from parley.app import create_app
from parley.commands import add_user
from parley.settings import Settings
from parley.simulator import create_simulator_app
from tests.factories import PASSWORD
from tests.live import free_port, serving

CHROMIUM = os.environ.get("PARLEY_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"

E2E = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives Chromium: mark it, so `-m e2e` / `-m "not e2e"` select.

    (A conftest's `pytestmark` marks nothing; only test modules' do.)
    """
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Stack:
    desktop: str
    phone: str
    settings: Settings
    simulator: object


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The browser tests run on SQLite only; the API suite covers PostgreSQL."""
    import asyncio

    from tests.conftest import _migrate

    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    asyncio.run(_migrate(url, tmp_path))
    return url


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    parley_port, sim_port = free_port(), free_port()
    settings = settings.model_copy(update={"whatsapp_api_base_url": f"http://127.0.0.1:{sim_port}"})
    await add_user(settings, "alice", "agent", "Alice Martins", PASSWORD)
    app = create_app(settings, migrate=False)
    simulator = create_simulator_app(settings, f"http://127.0.0.1:{parley_port}/webhooks/whatsapp")
    simulator.state.simulator.add_customer("5511987654321", "Ana Souza")
    async with serving(app, parley_port) as desktop, serving(simulator, sim_port) as phone:
        yield Stack(desktop, phone, settings, simulator.state.simulator)


@pytest.fixture
async def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Browser]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        await browser.close()


async def new_page(browser: Browser, width: int = 1280, height: int = 720) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": height})
    return await context.new_page()


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))
