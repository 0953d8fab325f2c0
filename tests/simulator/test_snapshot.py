"""The simulated phones kept on disk (`state_dir`): a restarted simulator shows the same
customers, chats, statuses, windows and media; a damaged file starts empty, never crashes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from parley.settings import Settings
from parley.simulator import create_simulator_app
from parley.simulator.snapshot import FILE

from .support import ANA, WEBHOOK_URL, FakeClock, Receiver, customer_says, send, settle
from .test_media import upload


async def run(
    settings: Settings, clock: FakeClock, state_dir: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, object]]:
    receiver = Receiver()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app())) as http:
        app = create_simulator_app(
            settings, WEBHOOK_URL, clock=clock, http=http, state_dir=state_dir
        )
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {settings.whatsapp_access_token}"}
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://sim.test") as control,
            httpx.AsyncClient(
                transport=transport, base_url="http://sim.test", headers=headers
            ) as graph,
        ):
            yield control, graph, app.state.simulator
        await app.state.simulator.aclose()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "phones"


async def test_a_restarted_simulator_keeps_its_phones(
    settings: Settings, clock: FakeClock, state_dir: Path
) -> None:
    async for control, graph, sim in run(settings, clock, state_dir):
        await customer_says(control, text="Where is my order?")
        image = (await upload(graph)).json()["id"]
        sent = await send(graph, {"to": ANA, "type": "image", "image": {"id": image}})
        assert sent.status_code == 200, sent.text
        await settle(sim)  # type: ignore[arg-type]
        before = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
        customer = (await control.get(f"/_sim/customers/{ANA}")).json()
    assert (state_dir / FILE).is_file()

    async for control, graph, sim in run(settings, clock, state_dir):
        assert sim.restored  # type: ignore[attr-defined]
        after = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
        assert after == before
        assert [m["status"] for m in after if m["direction"] == "out"] == ["delivered"]
        again = (await control.get(f"/_sim/customers/{ANA}")).json()
        assert again["window_open"] is True and again == customer
        media = await graph.get(f"/v23.0/{image}")
        assert media.status_code == 200, media.text
        # and it carries on: new messages join the old ones
        await customer_says(control, text="Thanks!")
        await settle(sim)  # type: ignore[arg-type]
    async for control, _graph, _sim in run(settings, clock, state_dir):
        texts = [
            m["content"].get("text", {}).get("body")
            for m in (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
        ]
        assert texts == ["Where is my order?", None, "Thanks!"]


@pytest.fixture(params=['{"version": 1, "customers": [', '{"version": 1, "messages": [{"id": 1}]}'])
def damaged(state_dir: Path, request: pytest.FixtureRequest) -> Path:
    """Cut short, or of another shape."""
    state_dir.mkdir()
    (state_dir / FILE).write_text(request.param, encoding="utf-8")
    return state_dir


async def test_a_damaged_state_file_starts_empty(
    settings: Settings, clock: FakeClock, damaged: Path
) -> None:
    state_dir = damaged
    async for control, _graph, sim in run(settings, clock, state_dir):
        assert not sim.restored  # type: ignore[attr-defined]
        assert (await control.get("/_sim/customers")).json()["customers"] == []
        await customer_says(control)
    async for control, _graph, sim in run(settings, clock, state_dir):
        assert sim.restored  # type: ignore[attr-defined]
        [ana] = (await control.get("/_sim/customers")).json()["customers"]
        assert ana["wa_id"] == ANA
