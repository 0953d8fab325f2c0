"""Hostile and malformed input: every field of valid sends swapped for wrong types must get a
Meta error (or be accepted), never a 500 and never a crash."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx

from .support import ANA, MESSAGES, customer_says
from .test_send_messages import BODIES, INTERACTIVE_BUTTON

JUNK: list[Any] = [None, 0, -1.5, True, "", "x" * 5000, [], {}, [None], {"a": None}, "\u0000\ud7ff"]

VALID: list[dict[str, Any]] = [
    *BODIES.values(),
    {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
    {"type": "interactive", "interactive": INTERACTIVE_BUTTON},
    {
        "type": "template",
        "template": {
            "name": "order_delay_notice",
            "language": {"code": "pt_BR"},
            "components": [
                {"type": "header", "parameters": [{"type": "text", "text": "#1"}]},
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "2"}],
                },
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "1",
                    "parameters": [{"type": "text", "text": "1"}],
                },
            ],
        },
    },
    {"status": "read", "message_id": "wamid.X", "typing_indicator": {"type": "text"}},
]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*prefix, index)
            yield from paths(inner, (*prefix, index))


def replaced(body: dict[str, Any], path: tuple[Any, ...], junk: Any) -> dict[str, Any]:
    out = copy.deepcopy(body)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = junk
    return out


async def test_no_field_swap_gives_a_server_error(
    graph: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    await customer_says(control)
    checked = 0
    for valid in VALID:
        base = {"messaging_product": "whatsapp", "to": ANA, **valid}
        for path in paths(base):
            for junk in JUNK:
                response = await graph.post(MESSAGES, json=replaced(base, path, junk))
                checked += 1
                assert response.status_code in (200, 400, 404), (path, junk, response.text)
                if response.status_code != 200:
                    error = response.json()["error"]
                    assert isinstance(error["code"], int) and error["fbtrace_id"], response.text
    assert checked > 1000


async def test_control_api_survives_junk(control: httpx.AsyncClient) -> None:
    url = f"/_sim/customers/{ANA}/messages"
    kinds = [
        "text",
        "image",
        "reaction",
        "interactive",
        "button",
        "location",
        "system",
        "unsupported",
    ]
    for kind in kinds:
        for junk in JUNK:
            for body in (
                {"type": kind, kind: junk},
                {"type": kind, "context": junk},
                {"type": junk},
            ):
                response = await control.post(url, json=body)
                assert response.status_code in (201, 400, 404, 422), (body, response.text)
    for junk in JUNK:
        for path in ("/_sim/faults", "/_sim/config", "/_sim/customers", "/_sim/templates/x/status"):
            response = await control.post(path, json=junk)
            assert response.status_code in (200, 201, 400, 404, 422), (path, junk, response.text)


async def test_hostile_names_are_stored_verbatim(control: httpx.AsyncClient) -> None:
    name = '<img src=x onerror=alert(1)> "Ana" \u202e'
    await customer_says(control, name=name, text="<script>alert(1)</script>")
    data = (await control.get(f"/_sim/customers/{ANA}/messages")).json()
    assert data["customer"]["profile_name"] == name
    assert data["messages"][0]["view"]["text"] == "<script>alert(1)</script>"
