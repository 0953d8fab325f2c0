"""Reactions: what counts as one emoji, which messages can carry one, and who reacted last."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import emoji as emoji_data

# Meta refuses reactions to messages older than this (error 131009).
REACTION_MAX_AGE = timedelta(days=30)
SIDES = ("in", "out")


def is_emoji(value: str) -> bool:
    """Whether `value` is exactly one emoji of Unicode's current list (`👍🏽`, `🇧🇷` and `👨‍👩‍👧‍👦` are
    one; `👍👍` and `👍x` are not). The `emoji` package follows each new Unicode release, which
    Python's own character tables lag behind."""
    return bool(value) and emoji_data.is_emoji(value)


def can_react_to(message_type: str, timestamp: datetime, now: datetime) -> bool:
    return message_type not in ("reaction", "system") and now - timestamp <= REACTION_MAX_AGE


def with_reaction(
    reactions: dict[str, Any] | None, side: str, emoji: str, at: datetime, source_id: int
) -> dict[str, Any] | None:
    """`reactions` with `side`'s latest reaction set (an empty emoji removes it).

    Webhooks arrive out of order: a reaction older than the one held for that side is ignored,
    and None comes back when nothing changed.
    """
    held = dict(reactions or {})
    current = held.get(side)
    if current is not None and datetime.fromisoformat(current["at"]) > at:
        return None
    entry = {"emoji": emoji, "at": at.isoformat(), "message_id": source_id}
    if current == entry:
        return None
    held[side] = entry
    return held


def listed_reactions(reactions: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The reactions a transcript shows under a message: one per side, removals left out."""
    found = []
    for side in SIDES:
        entry = (reactions or {}).get(side)
        if entry and entry.get("emoji"):
            found.append({"emoji": entry["emoji"], "direction": side, "at": entry["at"]})
    return found
