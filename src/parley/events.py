"""Every event of `WS /api/v1/events`, as one union (for documentation and round-trip tests)."""

from __future__ import annotations

from parley.auth.events import AgentUpdated, AuthTokenEnded
from parley.interactions.events import InteractionOffered, InteractionRemoved, InteractionUpdated
from parley.messages.events import MessageCreated, MessageUpdated

AnyEvent = (
    InteractionOffered
    | InteractionUpdated
    | InteractionRemoved
    | MessageCreated
    | MessageUpdated
    | AgentUpdated
    | AuthTokenEnded
)
