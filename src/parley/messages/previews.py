"""A message as one line: what the interaction list shows as the last message."""

from __future__ import annotations

from typing import Any

from parley.messages.models import Message

PREVIEW_LENGTH = 140  # characters


def preview(message: Message) -> dict[str, Any]:
    """`{direction, type, text, created_at}` (ISO time); the text cut to `PREVIEW_LENGTH`."""
    text = (message.text or message.type)[:PREVIEW_LENGTH]
    return {
        "direction": message.direction,
        "type": message.type,
        "text": text,
        "created_at": message.created_at.isoformat(),
    }
