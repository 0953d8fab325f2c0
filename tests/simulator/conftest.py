"""Fixtures for simulator tests: the simulator over ASGI, with a recording webhook receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from parley.settings import Settings
from parley.simulator import SimulatorOptions, create_simulator_app
from parley.simulator.service import Simulator

from .support import WEBHOOK_URL, FakeClock, Receiver


@pytest.fixture
def settings() -> Settings:
    return Settings(
        whatsapp_access_token="test-token",
        whatsapp_app_secret="test-secret",
        whatsapp_phone_number_id="109876543210987",
        whatsapp_display_phone_number="15550001111",
        whatsapp_business_account_id="880011223344556",
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def options() -> SimulatorOptions:
    return SimulatorOptions()


@pytest.fixture
async def sim_app(
    settings: Settings, clock: FakeClock, receiver: Receiver, options: SimulatorOptions
) -> AsyncIterator[Starlette]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app())) as http:
        app = create_simulator_app(
            settings,
            WEBHOOK_URL,
            clock=clock,
            http=http,
            retry_schedule=(0, 0.01, 0.02),
            options=options,
        )
        yield app
        await app.state.simulator.aclose()


@pytest.fixture
def sim(sim_app: Starlette) -> Simulator:
    simulator: Simulator = sim_app.state.simulator
    return simulator


@pytest.fixture
async def graph(sim_app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A Graph API client (bearer token set) at the simulator."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim_app),
        base_url="http://sim.test",
        headers={"Authorization": f"Bearer {settings.whatsapp_access_token}"},
    ) as client:
        yield client


@pytest.fixture
async def control(sim_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the `/_sim` control API and the phone page."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim_app), base_url="http://sim.test"
    ) as client:
        yield client
