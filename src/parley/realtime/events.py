"""The typed events of `WS /api/v1/events`: one schema for Python, JSON and the desktop."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from parley.auth.schemas import UserOut
from parley.interactions.schemas import InteractionOut, MessageOut
from parley.templates.events import TemplateUpdated


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InteractionOffered(_Event):
    type: Literal["interaction.offered"] = "interaction.offered"
    interaction: InteractionOut


class InteractionUpdated(_Event):
    type: Literal["interaction.updated"] = "interaction.updated"
    interaction: InteractionOut


class InteractionRemoved(_Event):
    type: Literal["interaction.removed"] = "interaction.removed"
    interaction_id: int
    reason: str


class SessionEnded(_Event):
    """A login session ended (logout): every socket opened with it closes, on every node."""

    type: Literal["session.ended"] = "session.ended"
    session_id: int


class MessageCreated(_Event):
    type: Literal["message.created"] = "message.created"
    message: MessageOut


class MessageUpdated(_Event):
    type: Literal["message.updated"] = "message.updated"
    message: MessageOut


class AgentUpdated(_Event):
    type: Literal["agent.updated"] = "agent.updated"
    agent: UserOut


Event = (
    InteractionOffered
    | InteractionUpdated
    | InteractionRemoved
    | MessageCreated
    | MessageUpdated
    | AgentUpdated
    | SessionEnded
    | TemplateUpdated
)
