"""`message_templates` listing with cursor paging, and template sends checked against it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from parley.simulator.templates import positional_count

from .support import ANA, customer_says, send
from .test_send_errors import assert_meta_error

LIST = "/v23.0/880011223344556/message_templates"


async def test_listing_pages_with_cursors_until_next_is_absent(graph: httpx.AsyncClient) -> None:
    names: list[str] = []
    url: str | None = f"{LIST}?limit=3&fields=name,status"
    pages = 0
    while url:
        response = await graph.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        assert set(body["data"][0]) == {"id", "name", "status"}
        names += [t["name"] for t in body["data"]]
        cursors = body["paging"]["cursors"]
        assert cursors["before"] and cursors["after"]
        url = body["paging"].get("next")
        if url:
            assert "after=" in url and "limit=3" in url
    assert pages == 4
    assert len(names) == len(set(names)) == 10
    assert "payment_confirmation" in names


async def test_before_cursor_goes_back_a_page(graph: httpx.AsyncClient) -> None:
    first = (await graph.get(f"{LIST}?limit=2")).json()
    second = (await graph.get(f"{LIST}?limit=2&after={first['paging']['cursors']['after']}")).json()
    assert "previous" in second["paging"]
    back = (
        await graph.get(f"{LIST}?limit=2&before={second['paging']['cursors']['before']}")
    ).json()
    assert [t["id"] for t in back["data"]] == [t["id"] for t in first["data"]]
    assert "previous" not in first["paging"]


async def test_filters_and_default_fields(graph: httpx.AsyncClient) -> None:
    approved = (await graph.get(f"{LIST}?status=APPROVED&limit=100")).json()
    assert approved["data"] and {t["status"] for t in approved["data"]} == {"APPROVED"}
    assert "next" not in approved["paging"]
    first = approved["data"][0]
    assert {"id", "name", "language", "status", "category", "components", "parameter_format"} <= (
        set(first)
    )
    by_name = (await graph.get(f"{LIST}?name=payment")).json()["data"]
    assert [t["name"] for t in by_name] == ["payment_confirmation"]
    body = by_name[0]["components"][0]
    assert body["type"] == "BODY" and positional_count(body["text"]) == 5  # {{1}} comes twice
    statuses = {t["status"] for t in (await graph.get(f"{LIST}?limit=100")).json()["data"]}
    assert {"APPROVED", "PAUSED", "PENDING", "REJECTED", "DISABLED"} <= statuses
    named = (await graph.get(f"{LIST}?name=order_shipped")).json()["data"][0]
    assert named["parameter_format"] == "NAMED"


async def test_bad_listing_queries(graph: httpx.AsyncClient) -> None:
    assert_meta_error(await graph.get(f"{LIST}?limit=0"), 100, 400)
    assert_meta_error(await graph.get(f"{LIST}?after=garbage!"), 100, 400)
    response = await graph.get("/v23.0/123/message_templates")
    assert response.json()["error"]["error_subcode"] == 33


async def test_one_template_by_id(graph: httpx.AsyncClient) -> None:
    first = (await graph.get(f"{LIST}?limit=1")).json()["data"][0]
    one = (await graph.get(f"/v23.0/{first['id']}?fields=status")).json()
    assert one == {"id": first["id"], "status": "APPROVED"}


def template(name: str, language: str = "en_US", components: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components is not None:
        body["components"] = components
    return {"to": ANA, "type": "template", "template": body}


def body_params(*values: str) -> list[dict[str, Any]]:
    return [{"type": "body", "parameters": [{"type": "text", "text": v} for v in values]}]


async def test_payment_confirmation_fills_its_five_parameters(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    params = body_params("Masha Ivanova", "flowers", "$10", "credit", "Wednesday")
    response = await send(graph, template("payment_confirmation", components=params))
    assert response.status_code == 200, response.text
    view = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"][-1]["view"]
    assert view["text"].startswith("Hello Masha Ivanova.\nHave you ordered flowers?")
    assert "confirm $10 payment issued to your credit card" in view["text"]
    assert [b["title"] for b in view["buttons"]] == ["Confirm payment", "Talk to an agent"]


async def test_header_currency_and_url_button_parameters(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    components = [
        {"type": "header", "parameters": [{"type": "text", "text": "#2291"}]},
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Ana"},
                {
                    "type": "currency",
                    "currency": {"fallback_value": "3", "code": "BRL", "amount_1000": 1},
                },
            ],
        },
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": "HANDOFF"}],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": 1,
            "parameters": [{"type": "text", "text": "123"}],
        },
    ]
    response = await send(graph, template("order_delay_notice", "pt-BR", components))
    assert response.status_code == 200, response.text
    view = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"][-1]["view"]
    assert view["header"] == "Pedido #2291"
    assert view["text"] == "Olá Ana, seu pedido atrasou 3 dias."
    assert view["buttons"][0]["payload"] == "HANDOFF"
    assert view["buttons"][1]["url"] == "https://shop.example/t/123"


async def test_named_parameters(graph: httpx.AsyncClient, control: httpx.AsyncClient) -> None:
    await customer_says(control)
    values = {"first_name": "Ana", "order_id": "#9", "delivery_date": "Friday"}
    params = [{"type": "text", "parameter_name": k, "text": v} for k, v in values.items()]
    ok = await send(
        graph, template("order_shipped", components=[{"type": "body", "parameters": params}])
    )
    assert ok.status_code == 200, ok.text
    view = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"][-1]["view"]
    assert view["text"] == "Hi Ana, your order #9 has shipped and should arrive by Friday."
    wrong = [{**params[0], "parameter_name": "name"}, *params[1:]]
    bad = await send(
        graph, template("order_shipped", components=[{"type": "body", "parameters": wrong}])
    )
    assert_meta_error(bad, 132000, 400)


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        (template("payment_confirmation", components=body_params("only one")), 132000, 400),
        (template("payment_confirmation"), 132000, 400),
        (template("service_followup", components=body_params("extra")), 132000, 400),
        (template("order_delay_notice", "pt_BR", body_params("Ana", "2")), 132000, 400),
        (template("no_such_template"), 132001, 404),
        (template("payment_confirmation", "pt_BR", body_params(*"abcde")), 132001, 404),
        (template("loyalty_points", components=body_params("1")), 132001, 404),
        (template("promo_blast", components=body_params("1")), 132001, 404),
        (template("spring_sale", components=body_params("20%")), 132015, 400),
        (template("legacy_offer", components=body_params("you")), 132016, 400),
        (
            template(
                "delivery_photo",
                components=[
                    {"type": "header", "parameters": [{"type": "text", "text": "not an image"}]},
                    *body_params("Av. Paulista"),
                ],
            ),
            132012,
            400,
        ),
        (
            template(
                "payment_confirmation",
                components=[
                    {"type": "body", "parameters": [{"type": "image", "image": {"id": "1"}}] * 5}
                ],
            ),
            132012,
            400,
        ),
        (template("payment_confirmation", components=body_params(*["x" * 300] * 5)), 132005, 400),
        ({"to": ANA, "type": "template", "template": {"language": {"code": "en_US"}}}, 131008, 400),
    ],
)
async def test_template_errors(
    body: dict[str, Any],
    code: int,
    status: int,
    graph: httpx.AsyncClient,
    control: httpx.AsyncClient,
) -> None:
    await customer_says(control)
    assert_meta_error(await send(graph, body), code, status)


async def test_media_header_template(graph: httpx.AsyncClient, control: httpx.AsyncClient) -> None:
    await customer_says(control)
    components = [
        {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://x/p.jpg"}}]},
        *body_params("Av. Paulista 1000"),
    ]
    response = await send(graph, template("delivery_photo", components=components))
    assert response.status_code == 200, response.text
    view = (await control.get(f"/_sim/customers/{ANA}/messages")).json()["messages"][-1]["view"]
    assert view["header_media"] == {"type": "image", "link": "https://x/p.jpg"}
