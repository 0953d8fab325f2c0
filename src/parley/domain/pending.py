"""Pending response levels: how long the contact has waited for the agent's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Level = Literal["none", "green", "yellow", "red"]


def pending_level(
    pending_since: datetime | None, now: datetime, thresholds: tuple[int, int]
) -> Level:
    if pending_since is None:
        return "none"
    waited = (now - pending_since).total_seconds()
    warn, alarm = thresholds
    if waited >= alarm:
        return "red"
    if waited >= warn:
        return "yellow"
    return "green"
