"""A customer's text or name holding a lone UTF-16 surrogate (a cut emoji) keeps the simulator
working: its webhook carries the escape as Meta's would, and its own pages still answer."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from .support import ANA, Receiver, settle


async def test_a_lone_surrogate_never_breaks_the_phone_pages(
    control: httpx.AsyncClient, receiver: Receiver, sim_app: Starlette
) -> None:
    raw = b'{"type":"text","text":{"body":"broken \\ud83d emoji"},"profile_name":"Bo\\ud83d"}'
    sent = await control.post(
        f"/_sim/customers/{ANA}/messages",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert sent.status_code == 201, sent.text
    listed = await control.get("/_sim/customers")
    assert listed.status_code == 200
    assert [c["profile_name"] for c in listed.json()["customers"]] == ["Bo\ud83d"]
    messages = await control.get(f"/_sim/customers/{ANA}/messages")
    assert messages.status_code == 200
    assert "broken \ud83d emoji" in messages.text.encode().decode("unicode_escape")
    await settle(sim_app.state.simulator)
    assert any(b"\\ud83d" in call.body for call in receiver.calls), "sent as Meta escapes it"
