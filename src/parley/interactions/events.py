"""The interaction's events on `WS /api/v1/events`."""

from __future__ import annotations

from typing import Literal

from parley.interactions.schemas import InteractionOut
from parley.realtime.events import Event


class InteractionOffered(Event):
    type: Literal["interaction.offered"] = "interaction.offered"
    interaction: InteractionOut
    # What the agent is told when a supervisor brought it ("Sara moved Ana Souza to you").
    notice: str | None = None


class InteractionUpdated(Event):
    type: Literal["interaction.updated"] = "interaction.updated"
    interaction: InteractionOut


class InteractionRemoved(Event):
    type: Literal["interaction.removed"] = "interaction.removed"
    interaction_id: int
    reason: str
    # What the agent who lost it is told when a supervisor moved it ("Moved to Bob by Sara").
    notice: str | None = None
