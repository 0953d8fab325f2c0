"""Reactions: what counts as one emoji, which messages can carry one, and who reacted last."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

# Meta refuses reactions to messages older than this (error 131009).
REACTION_MAX_AGE = timedelta(days=30)
# The longest emoji sequences (families, tagged subdivision flags) stay well under this.
MAX_EMOJI_CODE_POINTS = 16
# Emoji are symbols (So), joined and varied by ZWJ (Cf), variation selectors (Mn), keycaps (Me)
# and skin tones (Sk); keycap emoji start with a digit, `#` or `*`.
_EMOJI_CATEGORIES = frozenset({"So", "Sk", "Mn", "Me", "Cf"})
_KEYCAP_BASES = frozenset("0123456789#*")
SIDES = ("in", "out")


def is_emoji(value: str) -> bool:
    """Whether `value` looks like one emoji (a sequence of emoji code points, no text)."""
    if not value or len(value) > MAX_EMOJI_CODE_POINTS:
        return False
    symbols = 0
    for char in value:
        category = unicodedata.category(char)
        if category == "So":
            symbols += 1
        elif category not in _EMOJI_CATEGORIES and char not in _KEYCAP_BASES:
            return False
    keycap = value[0] in _KEYCAP_BASES and "\u20e3" in value
    return symbols > 0 or keycap


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
