"""Graph API sends that fail, with Meta's error objects, codes and HTTP statuses."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from parley.simulator.service import Simulator

from .support import ANA, MESSAGES, FakeClock, Receiver, customer_says, send, settle


def assert_meta_error(response: httpx.Response, code: int, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["message"].startswith(f"(#{code}) ")
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert error["error_data"]["details"]
    assert error["fbtrace_id"]
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic test-token"}],
    ids=["missing", "wrong", "not-bearer"],
)
async def test_bad_token_gets_code_190_with_401(
    headers: dict[str, str], control: httpx.AsyncClient
) -> None:
    response = await control.post(MESSAGES, headers=headers, json={"messaging_product": "whatsapp"})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 190
    assert error["type"] == "OAuthException"
    assert error["message"] == "Invalid OAuth access token - Cannot parse access token"
    assert "fbtrace_id" in error


async def test_access_token_query_parameter_is_accepted(control: httpx.AsyncClient) -> None:
    response = await control.get("/v23.0/880011223344556/message_templates?access_token=test-token")
    assert response.status_code == 200


async def test_any_version_is_accepted_but_not_garbage(graph: httpx.AsyncClient) -> None:
    assert (await graph.get("/v19.0/880011223344556/message_templates")).status_code == 200
    assert (await graph.get("/v26.0/880011223344556/message_templates")).status_code == 200
    response = await graph.get("/latest/880011223344556/message_templates")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2500


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"to": ANA, "text": {"body": "x"}}, 100),  # no messaging_product
        ({"messaging_product": "sms", "to": ANA, "text": {"body": "x"}}, 100),
        ({"messaging_product": "whatsapp", "to": "not a phone", "text": {"body": "x"}}, 100),
        ({"messaging_product": "whatsapp", "text": {"body": "x"}}, 131008),  # no to
        ({"messaging_product": "whatsapp", "to": ANA, "type": "text"}, 131008),
        ({"messaging_product": "whatsapp", "to": ANA, "text": {"body": ""}}, 131008),
        ({"messaging_product": "whatsapp", "to": ANA, "type": "image", "image": {}}, 131008),
        ({"messaging_product": "whatsapp", "to": ANA, "type": "location", "location": {}}, 131008),
        ({"messaging_product": "whatsapp", "to": ANA, "type": "poll", "poll": {}}, 131051),
        ({"messaging_product": "whatsapp", "to": "15550001111", "text": {"body": "me"}}, 131021),
    ],
)
async def test_malformed_sends(body: dict[str, Any], code: int, graph: httpx.AsyncClient) -> None:
    assert_meta_error(await graph.post(MESSAGES, json=body), code, 400)


async def test_invalid_json_is_code_100(graph: httpx.AsyncClient) -> None:
    response = await graph.post(
        MESSAGES, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_meta_error(response, 100, 400)


async def test_unknown_phone_number_id_is_100_subcode_33(graph: httpx.AsyncClient) -> None:
    response = await send_to(graph, "/v23.0/999/messages", {"to": ANA, "text": {"body": "x"}})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["error_subcode"] == 33
    assert "Object with ID '999' does not exist" in error["message"]


async def send_to(graph: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    return await graph.post(path, json={"messaging_product": "whatsapp", **body})


LONG_TITLE_BUTTONS = {
    "type": "button",
    "body": {"text": "Pick"},
    "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "x" * 21}}]},
}
FOUR_BUTTONS = {
    "type": "button",
    "body": {"text": "Pick"},
    "action": {
        "buttons": [{"type": "reply", "reply": {"id": f"b{i}", "title": f"B{i}"}} for i in range(4)]
    },
}
ELEVEN_ROWS = {
    "type": "list",
    "body": {"text": "Pick"},
    "action": {
        "button": "Topics",
        "sections": [{"title": "S", "rows": [{"id": f"r{i}", "title": "R"} for i in range(11)]}],
    },
}


@pytest.mark.parametrize(
    "body",
    [
        {"type": "text", "text": {"body": "x" * 4097}},
        {"type": "text", "text": {"body": "x", "preview_url": "yes"}},
        {"type": "image", "image": {"link": "https://x/a.jpg", "caption": "c" * 1025}},
        {"type": "image", "image": {"link": "ftp://x/a.jpg"}},
        {"type": "image", "image": {"id": "1", "link": "https://x/a.jpg"}},
        {"type": "audio", "audio": {"link": "https://x/a.ogg", "caption": "no"}},
        {"type": "location", "location": {"latitude": "abc", "longitude": "1"}},
        {"type": "location", "location": {"latitude": 91, "longitude": 1}},
        {"type": "contacts", "contacts": []},
        {"type": "interactive", "interactive": LONG_TITLE_BUTTONS},
        {"type": "interactive", "interactive": FOUR_BUTTONS},
        {"type": "interactive", "interactive": ELEVEN_ROWS},
        {"type": "interactive", "interactive": {"type": "carousel", "body": {"text": "x"}}},
        {"type": "reaction", "reaction": {"message_id": "wamid.unknown", "emoji": "👍"}},
        {"type": "text", "text": {"body": "x"}, "biz_opaque_callback_data": "x" * 513},
        {"type": "text", "text": {"body": "x"}, "context": {"id": "wrong-key"}},
    ],
    ids=lambda b: str(b["type"]),
)
async def test_limits_give_131009(
    body: dict[str, Any], graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    assert_meta_error(await send(graph, {"to": ANA, **body}), 131009, 400)


async def test_reaction_to_a_message_older_than_30_days_is_131009(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, clock: FakeClock
) -> None:
    old = await customer_says(control)
    clock.advance(31 * 24 * 3600)
    await customer_says(control)  # keeps the window open
    response = await send(graph, {"to": ANA, "type": "reaction", "reaction": {"message_id": old}})
    error = assert_meta_error(response, 131009, 400)
    assert "30 days" in error["error_data"]["details"]


async def test_unknown_customer_is_accepted_then_fails_with_131026(
    graph: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    response = await send(graph, {"to": "+447700900123", "text": {"body": "Hi"}})
    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    await settle(sim)
    [status] = receiver.statuses(wamid)
    assert status["status"] == "failed"
    assert status["recipient_id"] == "447700900123"
    [error] = status["errors"]
    assert error["code"] == 131026
    assert error["title"] == error["message"] == "Message undeliverable"
    assert error["error_data"]["details"]
    assert error["href"].startswith("https://developers.facebook.com/")


async def test_unknown_customer_is_created_when_configured(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/config", json={"unknown_recipients_fail": False})
    template = {"name": "service_followup", "language": {"code": "en_US"}}
    response = await send(graph, {"to": "+447700900123", "type": "template", "template": template})
    await settle(sim)
    wamid = response.json()["messages"][0]["id"]
    assert [s["status"] for s in receiver.statuses(wamid)] == ["sent", "delivered"]
    assert (await control.get("/_sim/customers/447700900123")).status_code == 200


async def test_outside_the_24h_window_text_is_accepted_then_fails_with_131047(
    graph: httpx.AsyncClient,
    control: httpx.AsyncClient,
    sim: Simulator,
    receiver: Receiver,
    clock: FakeClock,
) -> None:
    await customer_says(control)
    clock.advance(24 * 3600 - 1)
    inside = await send(graph, {"to": ANA, "text": {"body": "still in"}})
    clock.advance(2)
    outside = await send(graph, {"to": ANA, "text": {"body": "too late"}})
    template = {"name": "service_followup", "language": {"code": "en_US"}}
    allowed = await send(graph, {"to": ANA, "type": "template", "template": template})
    assert inside.status_code == outside.status_code == allowed.status_code == 200
    await settle(sim)
    ids = [r.json()["messages"][0]["id"] for r in (inside, outside, allowed)]
    assert [s["status"] for s in receiver.statuses(ids[0])] == ["sent", "delivered"]
    [failed] = receiver.statuses(ids[1])
    assert failed["status"] == "failed"
    assert failed["errors"][0]["code"] == 131047
    assert failed["errors"][0]["title"] == "Re-engagement message"
    sent = receiver.statuses(ids[2])
    assert [s["status"] for s in sent] == ["sent", "delivered"]
    assert sent[0]["pricing"]["type"] == "regular"  # utility template outside the window
    assert sent[0]["pricing"]["category"] == "utility"
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[2]["status"] == "failed"
    assert phone[2]["errors"][0]["code"] == 131047


async def test_a_customer_who_never_wrote_can_only_get_templates(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator, receiver: Receiver
) -> None:
    await control.post("/_sim/customers", json={"wa_id": ANA, "profile_name": "Ana"})
    response = await send(graph, {"to": ANA, "text": {"body": "hello?"}})
    await settle(sim)
    [failed] = receiver.statuses(response.json()["messages"][0]["id"])
    assert failed["errors"][0]["code"] == 131047


async def test_throughput_limit_gives_130429(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    await control.post("/_sim/config", json={"throughput_mps": 5})
    answers = [await send(graph, {"to": ANA, "text": {"body": "x"}}) for _ in range(6)]
    assert [r.status_code for r in answers] == [200] * 5 + [400]
    assert_meta_error(answers[-1], 130429, 400)


async def test_pair_rate_limit_allows_45_then_gives_131056_and_refills(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, clock: FakeClock
) -> None:
    await customer_says(control)
    await control.post("/_sim/config", json={"pair_rate_limit": True})
    answers = [await send(graph, {"to": ANA, "text": {"body": "x"}}) for _ in range(46)]
    assert [r.status_code for r in answers[:45]] == [200] * 45
    error = assert_meta_error(answers[45], 131056, 400)
    assert "pair rate limit" in error["message"]
    clock.advance(6)
    assert (await send(graph, {"to": ANA, "text": {"body": "x"}})).status_code == 200
    assert (await send(graph, {"to": ANA, "text": {"body": "x"}})).status_code == 400


async def test_pair_rate_limit_is_off_by_default(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    answers = [await send(graph, {"to": ANA, "text": {"body": "x"}}) for _ in range(60)]
    assert {r.status_code for r in answers} == {200}


async def test_injected_graph_errors(graph: httpx.AsyncClient, control: httpx.AsyncClient) -> None:
    await customer_says(control)
    fault = await control.post("/_sim/faults", json={"kind": "graph_error", "count": 2})
    assert fault.status_code == 201
    first = await send(graph, {"to": ANA, "text": {"body": "x"}})
    error = assert_meta_error(first, 131000, 500)
    assert error["message"] == "(#131000) Something went wrong"
    assert (await send(graph, {"to": ANA, "text": {"body": "x"}})).status_code == 500
    assert (await send(graph, {"to": ANA, "text": {"body": "x"}})).status_code == 200


async def test_injected_rate_limit_burst_and_custom_status(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    await control.post(
        "/_sim/faults",
        json={"kind": "graph_error", "code": 130429, "count": 1, "match": "messages"},
    )
    # a template listing does not consume a fault restricted to /messages
    assert (await graph.get("/v23.0/880011223344556/message_templates")).status_code == 200
    assert_meta_error(await send(graph, {"to": ANA, "text": {"body": "x"}}), 130429, 400)
    await control.post(
        "/_sim/faults", json={"kind": "graph_error", "code": 2, "http_status": 503, "count": 1}
    )
    assert (await send(graph, {"to": ANA, "text": {"body": "x"}})).status_code == 503


async def test_timeout_fault_accepts_the_message_but_answers_late(
    graph: httpx.AsyncClient, control: httpx.AsyncClient, sim: Simulator
) -> None:
    await customer_says(control)
    await control.post("/_sim/faults", json={"kind": "timeout", "delay_seconds": 5})
    # ASGITransport enforces no client timeout, so the test plays the client giving up
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(send(graph, {"to": ANA, "text": {"body": "lost answer"}}), 0.3)
    phone = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"]
    assert phone[-1]["content"] == {"body": "lost answer"}


# Every send error code of Meta's table (WHATSAPP.md §7.2), ranges expanded.
DOCUMENTED = [
    0,
    1,
    2,
    3,
    4,
    10,
    33,
    100,
    190,
    *range(200, 300),
    368,
    80007,
    130429,
    130472,
    130497,
    131000,
    131005,
    131008,
    131009,
    131016,
    131021,
    131026,
    131030,
    131031,
    131037,
    131042,
    131045,
    131047,
    131048,
    131049,
    131050,
    131051,
    131052,
    131053,
    131056,
    131057,
    131060,
    132000,
    132001,
    132005,
    132007,
    132012,
    132015,
    132016,
    132068,
    132069,
    133000,
    133004,
    *range(133005, 133010),
    133010,
    133015,
    133016,
    135000,
]


def test_every_documented_error_code_has_its_title_and_http_status() -> None:
    from parley.simulator.errors import CATALOG, status_of, title_of

    missing = [code for code in DOCUMENTED if code not in CATALOG]
    assert missing == []
    assert title_of(131030) == "Recipient phone number not in allowed list"
    assert status_of(131030) == 400 and status_of(200) == 403 and status_of(3) == 500
