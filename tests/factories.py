"""Named actors and payload builders shared by the tests."""

from __future__ import annotations

from typing import Any

import orjson

from parley.auth.models import User
from parley.auth.service import create_user, set_status
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.ingest.models import InboundWebhook

PASSWORD = "correct horse battery"
BUSINESS = {"display_phone_number": "15550001111", "phone_number_id": "109876543210987"}


async def add_agent(
    uow: UnitOfWork, clock: Clock, username: str, *, ready: bool = True, role: str = "agent"
) -> User:
    user = await create_user(
        uow, clock, username=username, password=PASSWORD, role=role, name=username.title()
    )
    if ready:
        set_status(uow, clock, user, "ready", None)
    await uow.commit()
    return user


def text_webhook(
    wa_id: str, body: str, wamid: str, *, name: str = "Ana Souza", timestamp: int = 1767603600
) -> dict[str, Any]:
    message = {
        "from": wa_id,
        "id": wamid,
        "timestamp": str(timestamp),
        "type": "text",
        "text": {"body": body},
    }
    return envelope(messages=[message], contacts=[{"profile": {"name": name}, "wa_id": wa_id}])


def status_webhook(
    wamid: str, status: str, *, timestamp: int = 1767603700, **extra: Any
) -> dict[str, Any]:
    item = {
        "id": wamid,
        "status": status,
        "timestamp": str(timestamp),
        "recipient_id": "5511987654321",
    }
    item.update(extra)
    return envelope(statuses=[item])


def envelope(**value: Any) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "880011223344556",
                "changes": [
                    {
                        "field": "messages",
                        "value": {"messaging_product": "whatsapp", "metadata": BUSINESS, **value},
                    }
                ],
            }
        ],
    }


async def store_webhook(uow: UnitOfWork, clock: Clock, payload: Any) -> int:
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    row = InboundWebhook(received_at=clock.now(), body=body, state="pending")
    uow.session.add(row)
    await uow.session.flush()
    await uow.commit()
    return row.id
