"""Plain helpers for simulator tests: a fake clock, a webhook receiver, send shortcuts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from parley.simulator import verify
from parley.simulator.service import Simulator

WEBHOOK_URL = "http://receiver.test/webhooks/whatsapp"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
ANA = "5511987654321"
BRUNO = "5521998765432"


class FakeClock:
    """Unix seconds that only move when a test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def value(self) -> dict[str, Any]:
        return self.json["entry"][0]["changes"][0]["value"]  # type: ignore[no-any-return]


@dataclass
class Receiver:
    """A tiny webhook endpoint: records every POST; answers from `answers`, then 200."""

    calls: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    secret: str | None = None
    """When set, a wrongly signed POST is answered 401 (as Parley's endpoint does)."""

    def app(self) -> Starlette:
        async def hook(request: Request) -> PlainTextResponse:
            body = await request.body()
            self.calls.append(Received(dict(request.headers), body))
            signature = request.headers.get("x-hub-signature-256")
            if self.secret is not None and not verify(body, self.secret, signature):
                return PlainTextResponse("bad signature", status_code=401)
            status = self.answers.pop(0) if self.answers else 200
            return PlainTextResponse("ok" if status == 200 else "nope", status_code=status)

        return Starlette(routes=[Route("/webhooks/whatsapp", hook, methods=["POST"])])

    def values(self) -> list[dict[str, Any]]:
        return [r.value for r in self.calls]

    def statuses(self, wamid: str | None = None) -> list[dict[str, Any]]:
        found = [s for r in self.calls for s in r.value.get("statuses", [])]
        return [s for s in found if wamid is None or s["id"] == wamid]

    def messages(self) -> list[dict[str, Any]]:
        return [m for r in self.calls for m in r.value.get("messages", [])]


MESSAGES = "/v23.0/109876543210987/messages"


async def customer_says(
    control: httpx.AsyncClient, wa_id: str = ANA, text: str = "Hi", name: str = "Ana Souza"
) -> str:
    """The customer sends a text; returns its wamid."""
    response = await control.post(
        f"/_sim/customers/{wa_id}/messages",
        json={"type": "text", "text": {"body": text}, "profile_name": name},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def send(graph: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await graph.post(MESSAGES, json={"messaging_product": "whatsapp", **body})


async def settle(sim: Simulator) -> None:
    assert await sim.webhooks.wait_idle(5), "webhooks still pending"
