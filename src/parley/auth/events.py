"""The agent's and the login's events on `WS /api/v1/events`."""

from __future__ import annotations

from typing import Literal

from parley.auth.schemas import UserOut
from parley.realtime.events import Event


class AgentUpdated(Event):
    type: Literal["agent.updated"] = "agent.updated"
    agent: UserOut
    # Said to the agent when someone else changed their status ("Set Not Ready (Training) by Sara").
    notice: str | None = None


class AuthTokenEnded(Event):
    """A login ended (logout, expiry): every socket opened with its auth token closes, on every
    node. The hubs act on it; it is never forwarded to a client."""

    type: Literal["auth_token.ended"] = "auth_token.ended"
    auth_token_id: int
