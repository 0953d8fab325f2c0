"""The message's events on `WS /api/v1/events`."""

from __future__ import annotations

from typing import Literal

from parley.messages.schemas import MessageOut
from parley.realtime.events import Event


class MessageCreated(Event):
    type: Literal["message.created"] = "message.created"
    message: MessageOut


class MessageUpdated(Event):
    type: Literal["message.updated"] = "message.updated"
    message: MessageOut
