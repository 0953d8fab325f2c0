"""Injected Graph faults look to a client exactly as Meta's (or the network's) would."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from parley.settings import Settings
from parley.simulator.service import Simulator
from parley.whatsapp.errors import GraphError, GraphTransportError, Retry
from parley.whatsapp.graph import GraphClient, OutboundMessage
from tests.live import free_port, serving

from .support import ANA, customer_says, settle

TEXT = OutboundMessage(to=ANA, type="text", body={"body": "Your parcel ships today"})


def client_for(http: httpx.AsyncClient, settings: Settings, base: str) -> GraphClient:
    return GraphClient(
        http,
        base_url=f"{base}/v23.0",
        phone_number_id=settings.whatsapp_phone_number_id,
        business_account_id=settings.whatsapp_business_account_id,
        access_token=settings.whatsapp_access_token,
        timeout=0.5,
    )


async def fault(control: httpx.AsyncClient, **body: Any) -> None:
    assert (await control.post("/_sim/faults", json=body)).status_code == 201


def sent_to_ana(sim: Simulator) -> int:
    chat = sim.store.customers[ANA].messages
    return sum(1 for message in chat if message.direction == "out")


@pytest.mark.parametrize(
    ("code", "status", "retry"),
    [
        (131000, 500, Retry.RETRY),
        (2, 503, Retry.RETRY),
        (4, 400, Retry.RETRY),
        (80007, 400, Retry.RETRY),
        (130429, 400, Retry.RETRY),
        (131056, 400, Retry.RETRY),
    ],
)
async def test_graph_errors_carry_metas_code_and_status(
    sim_app: Starlette,
    control: httpx.AsyncClient,
    settings: Settings,
    sim: Simulator,
    code: int,
    status: int,
    retry: Retry,
) -> None:
    await customer_says(control)
    await fault(control, kind="graph_error", code=code)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim_app)) as http:
        graph = client_for(http, settings, "http://sim.test")
        with pytest.raises(GraphError) as refused:
            await graph.send(TEXT)
        assert (refused.value.code, refused.value.http_status) == (code, status)
        assert refused.value.retry is retry and refused.value.fbtrace_id
        assert sent_to_ana(sim) == 0
        await graph.send(TEXT)  # the fault is spent
    assert sent_to_ana(sim) == 1


async def test_an_expired_token_is_metas_190_with_subcode_463(
    sim_app: Starlette, control: httpx.AsyncClient, settings: Settings, sim: Simulator
) -> None:
    await customer_says(control)
    await fault(control, kind="expired_token", count=2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim_app)) as http:
        graph = client_for(http, settings, "http://sim.test")
        for _ in range(2):
            with pytest.raises(GraphError) as refused:
                await graph.send(TEXT)
            error = refused.value
            assert (error.code, error.subcode, error.http_status) == (190, 463, 401)
            assert error.message.startswith("Error validating access token: Session has expired")
            assert error.retry is Retry.NEVER
    assert sent_to_ana(sim) == 0


async def test_a_connection_reset_sends_nothing_and_leaves_the_client_unsure(
    sim_app: Starlette, control: httpx.AsyncClient, settings: Settings, sim: Simulator
) -> None:
    await customer_says(control)
    await fault(control, kind="connection_reset", count=2)
    port = free_port()
    async with serving(sim_app, port) as base, httpx.AsyncClient() as http:
        graph = client_for(http, settings, base)
        with pytest.raises(GraphTransportError) as over_tcp:
            await graph.send(TEXT)
        assert over_tcp.value.maybe_sent, "a cut reply may hide an accepted send"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim_app)) as http:
        with pytest.raises(GraphTransportError):
            await client_for(http, settings, "http://sim.test").send(TEXT)
    assert sent_to_ana(sim) == 0


async def test_a_timeout_is_carried_out_but_never_answered_in_time(
    sim_app: Starlette, control: httpx.AsyncClient, settings: Settings, sim: Simulator
) -> None:
    await customer_says(control)
    await fault(control, kind="timeout", delay_seconds=1.0)
    port = free_port()
    async with serving(sim_app, port) as base, httpx.AsyncClient() as http:
        with pytest.raises(GraphTransportError) as unanswered:
            await client_for(http, settings, base).send(TEXT)
    assert unanswered.value.maybe_sent
    await settle(sim)
    assert sent_to_ana(sim) == 1, "Meta took it: a blind resend would duplicate it"
