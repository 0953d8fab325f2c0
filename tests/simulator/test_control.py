"""The /_sim control API, the phone page and the runnable server."""

from __future__ import annotations

import asyncio
import re
import socket
from html.parser import HTMLParser

import httpx
import pytest

from parley.settings import Settings
from parley.simulator import SimulatorOptions, create_simulator_app, simulator_server
from parley.simulator.service import Simulator

from .support import ANA, BRUNO, Receiver, customer_says, send, settle


async def test_customers_are_added_listed_and_renamed(control: httpx.AsyncClient) -> None:
    created = await control.post("/_sim/customers", json={"wa_id": ANA, "profile_name": "Ana"})
    assert created.status_code == 201
    again = await control.post("/_sim/customers", json={"wa_id": ANA, "profile_name": "Ana S."})
    assert again.status_code == 200
    await customer_says(control, wa_id=BRUNO, name="Bruno")
    customers = (await control.get("/_sim/customers")).json()["customers"]
    assert [(c["wa_id"], c["profile_name"]) for c in customers] == [
        (ANA, "Ana S."),
        (BRUNO, "Bruno"),
    ]
    assert customers[0]["window_open"] is False
    assert customers[1]["window_open"] is True
    assert customers[1]["last_message"] == "Hi"


@pytest.mark.parametrize(
    "body",
    [{"wa_id": "+5511", "profile_name": "x"}, {"wa_id": ANA, "extra": 1}, {"profile_name": "x"}],
)
async def test_bad_customer_bodies_are_422(
    body: dict[str, object], control: httpx.AsyncClient
) -> None:
    response = await control.post("/_sim/customers", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["fields"]


async def test_bad_customer_messages(control: httpx.AsyncClient) -> None:
    url = f"/_sim/customers/{ANA}/messages"
    assert (await control.post(url, content=b"nope")).status_code == 400
    assert (await control.post(url, json=["text"])).status_code == 400
    assert (await control.post(url, json={"text": {"body": "no type"}})).status_code == 400
    assert (await control.post(url, json={"type": "text"})).status_code == 400
    for text in ({}, {"body": ""}, {"body": "   "}, {"body": 5}):
        empty = await control.post(url, json={"type": "text", "text": text})
        assert empty.status_code == 400 and "text.body" in empty.json()["error"]["message"]
    assert (
        await control.post("/_sim/customers/12ab/messages", json={"type": "text"})
    ).status_code == 400
    own = await control.post(
        "/_sim/customers/15550001111/messages", json={"type": "text", "text": {"body": "Hi"}}
    )
    assert own.status_code == 400 and own.json()["error"]["code"] == "business_number"
    assert "business's own number" in own.json()["error"]["message"]
    as_customer = await control.post("/_sim/customers", json={"wa_id": "15550001111"})
    assert as_customer.status_code == 400
    assert (await control.get("/_sim/customers/15550001111/messages")).status_code == 404
    odd = await control.get("/_sim/webhooks?state=zzz")
    assert odd.status_code == 400 and "'state' must be one of" in odd.json()["error"]["message"]
    missing = await control.get("/_sim/customers/4400000000/messages")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": "not_found", "message": "Customer 4400000000 does not exist."}
    }


async def test_phone_holds_both_directions_with_statuses(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator
) -> None:
    inbound = await customer_says(control, text="Where is my parcel?")
    out = await send(
        graph, {"to": ANA, "text": {"body": "On its way"}, "biz_opaque_callback_data": "x1"}
    )
    await settle(sim)
    data = (await control.get(f"/_sim/customers/{ANA}/messages")).json()
    first, second = data["messages"]
    assert (first["id"], first["direction"], first["status"]) == (inbound, "in", "delivered")
    assert first["content"]["text"] == {"body": "Where is my parcel?"}
    assert second["id"] == out.json()["messages"][0]["id"]
    assert (second["direction"], second["status"]) == ("out", "delivered")
    assert [s["status"] for s in second["statuses"]] == ["sent", "delivered"]
    assert second["biz_opaque_callback_data"] == "x1"
    assert second["view"]["text"] == "On its way"
    assert data["customer"]["unread"] == 1


async def test_faults_can_be_listed_and_cleared(control: httpx.AsyncClient) -> None:
    await control.post("/_sim/faults", json={"kind": "delay", "delay_seconds": 0.01, "count": 3})
    await control.post("/_sim/faults", json={"kind": "webhook_failure", "http_status": 502})
    faults = (await control.get("/_sim/faults")).json()["faults"]
    assert [(f["kind"], f["remaining"]) for f in faults] == [("delay", 3), ("webhook_failure", 1)]
    assert (await control.post("/_sim/faults", json={"kind": "reset"})).json() == {"faults": []}
    bad = await control.post("/_sim/faults", json={"kind": "meteor", "count": 1})
    assert bad.status_code == 422


async def test_delay_fault_slows_graph_calls(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await control.post("/_sim/faults", json={"kind": "delay", "delay_seconds": 0.3})
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await graph.get("/v23.0/880011223344556/message_templates")
    assert response.status_code == 200
    assert loop.time() - started >= 0.3


async def test_config_is_read_and_patched(control: httpx.AsyncClient, sim: Simulator) -> None:
    config = (await control.get("/_sim/config")).json()
    assert config["pair_rate_limit"] is False and config["batch_webhooks"] is False
    patched = await control.post(
        "/_sim/config", json={"pair_rate_limit": True, "throughput_mps": 80}
    )
    assert patched.json()["pair_rate_limit"] is True
    assert sim.options.throughput_mps == 80
    assert (await control.post("/_sim/config", json={"nonsense": 1})).status_code == 422


async def test_reset_forgets_everything_but_the_start_options(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator
) -> None:
    await customer_says(control)
    await control.post("/_sim/config", json={"auto_read": True})
    await control.post("/_sim/faults", json={"kind": "graph_error"})
    await control.post("/_sim/templates/service_followup/status", json={"status": "DISABLED"})
    assert (await control.post("/_sim/reset")).json() == {"reset": True}
    assert (await control.get("/_sim/customers")).json() == {"customers": []}
    assert (await control.get("/_sim/faults")).json() == {"faults": []}
    assert sim.options.auto_read is False
    assert sim.options.webhook_url == "http://receiver.test/webhooks/whatsapp"
    listing = (await graph.get("/v23.0/880011223344556/message_templates?name=service")).json()
    assert listing["data"][0]["status"] == "APPROVED"
    assert (await control.get("/_sim/webhooks")).json()["deliveries"] == []


async def test_changes_long_poll_wakes_on_a_new_message(
    control: httpx.AsyncClient, sim: Simulator
) -> None:
    version = (await control.get("/_sim/changes?timeout=0")).json()["version"]
    waiter = asyncio.ensure_future(control.get(f"/_sim/changes?since={version}&timeout=5"))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await customer_says(control)
    answer = await asyncio.wait_for(waiter, 2)
    assert answer.json()["version"] > version


async def test_info(control: httpx.AsyncClient) -> None:
    info = (await control.get("/_sim/info")).json()
    assert info["phone_number_id"] == "109876543210987"
    assert info["display_phone_number"] == "15550001111"
    assert info["business_name"] == "Parley Store"


async def test_graph_knows_its_phone_number_and_waba(graph: httpx.AsyncClient) -> None:
    phone = (
        await graph.get("/v23.0/109876543210987?fields=display_phone_number,quality_rating")
    ).json()
    assert phone == {
        "display_phone_number": "15550001111",
        "quality_rating": "GREEN",
        "id": "109876543210987",
    }
    waba = (await graph.get("/v23.0/880011223344556")).json()
    assert waba["id"] == "880011223344556"


class _Controls(HTMLParser):
    """Collects accessible names of form controls: aria-label, <label for>, or button text."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._button: dict[str, str] | None = None
        self._label_for: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label" and "for" in a:
            self._label_for, self._text = a["for"], ""
        if tag in ("button", "input", "select", "textarea") and a.get("aria-label"):
            self.names[a["aria-label"]] = tag
        elif tag == "button":
            self._button, self._text = a, ""
        elif tag == "select":
            self.names[f"#{a.get('id')}"] = tag

    def handle_data(self, data: str) -> None:
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None:
            self.names[self._text.strip()] = "button"
            self._button = None
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = self._text.strip()
            self._label_for = None


async def test_phone_page_is_served_with_accessible_controls(control: httpx.AsyncClient) -> None:
    page = await control.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parser = _Controls()
    parser.feed(page.text)
    for name in ("Message", "Send", "Attach file", "Share location", "Add customer"):
        assert name in parser.names, name
    assert parser.names["Message"] == "textarea"
    assert parser.labels["customer"] == "Customer"
    assert "#customer" in parser.names
    # get_by_label("Customer") must find the selector only (Playwright matches substrings)
    labelled = re.findall(r'aria-label(?:ledby)?="([^"]*)"', page.text)
    assert not [name for name in labelled if "customer" in name.lower()]
    # no CDN: every script and stylesheet is served by the simulator itself
    assert not re.search(r'(src|href)="https?://', page.text)
    for asset in ("phone.js", "api.js", "dom.js", "chat.js", "phone.css"):
        response = await control.get(f"/static/{asset}")
        assert response.status_code == 200, asset
    for script in ("phone.js", "chat.js", "dom.js", "api.js"):
        source = (await control.get(f"/static/{script}")).text
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source


async def test_lifespan_closes_the_simulator(settings: Settings, receiver: Receiver) -> None:
    app = create_simulator_app(settings, None)
    async with app.router.lifespan_context(app):
        app.state.simulator.customer_sends(ANA, {"type": "text", "text": {"body": "x"}}, "Ana")
        await settle(app.state.simulator)
    assert app.state.simulator.webhooks.log[0].state == "skipped"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_simulator_server_runs_under_uvicorn(settings: Settings) -> None:
    port = _free_port()
    server = simulator_server(settings, "127.0.0.1", port, None, options=SimulatorOptions())
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(100):
            if server.started:
                break
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            info = await client.get("/_sim/info")
            assert info.json()["webhook_url"] is None
            denied = await client.post("/v23.0/109876543210987/messages", json={})
            assert denied.status_code == 401
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 5)
