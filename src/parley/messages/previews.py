"""A message as one line: what the interaction list shows as the last message."""

from __future__ import annotations

from typing import Any

from parley.messages.models import Message
from parley.whatsapp.content import summary

PREVIEW_LENGTH = 140  # characters


def preview(message: Message) -> dict[str, Any]:
    """`{direction, type, text, created_at, author_id}` (ISO time; the user who wrote an outgoing
    message, None for the customer's and for those sent from the phone); the text (`whatsapp.content.summary`:
    the message's text or kind, flagged deleted, not received, forwarded, from an ad) cut to
    `PREVIEW_LENGTH`."""
    text = summary(message.type, message.text, message.content or {})[:PREVIEW_LENGTH]
    return {
        "direction": message.direction,
        "type": message.type,
        "text": text,
        "created_at": message.created_at.isoformat(),
        "author_id": message.author_id,
    }
