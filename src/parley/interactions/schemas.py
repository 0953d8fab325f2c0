"""Interaction and message shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contacts.models import Contact
from parley.contacts.schemas import ContactOut
from parley.domain.reactions import listed_reactions
from parley.domain.window import window_expires_at
from parley.fields import Id, Text
from parley.interactions.models import Interaction, Message


class InteractionOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    state: str
    origin: str
    contact: ContactOut
    session_id: int
    agent_id: int | None
    created_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    done_at: datetime | None
    pending_since: datetime | None
    last_inbound_at: datetime | None
    window_expires_at: datetime | None
    last_message: dict[str, Any] | None
    unread_count: int
    disposition: str | None
    version: int

    @classmethod
    def of(cls, interaction: Interaction, contact: Contact) -> InteractionOut:
        return cls(
            id=interaction.id,
            state=interaction.state,
            origin=interaction.origin,
            contact=ContactOut.of(contact),
            session_id=interaction.session_id,
            agent_id=interaction.agent_id,
            created_at=interaction.created_at,
            updated_at=interaction.updated_at,
            accepted_at=interaction.accepted_at,
            done_at=interaction.done_at,
            pending_since=interaction.pending_since,
            last_inbound_at=interaction.last_inbound_at,
            window_expires_at=window_expires_at(interaction.last_inbound_at),
            last_message=interaction.last_message,
            unread_count=interaction.unread_count,
            disposition=interaction.disposition,
            version=interaction.version,
        )


class ErrorInfo(BaseModel):
    code: int
    title: str | None
    details: str | None


class QuotedMessage(BaseModel):
    id: int | None
    wamid: str
    text: str | None
    direction: str | None
    type: str | None = None


class Reaction(BaseModel):
    emoji: str
    direction: Literal["in", "out"]
    at: datetime


class Author(BaseModel):
    id: int
    name: str


class MessageOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    interaction_id: int
    session_id: int
    direction: str
    type: str
    text: str | None
    content: dict[str, Any]
    wamid: str | None
    status: str
    error: ErrorInfo | None
    reply_to: QuotedMessage | None
    client_id: str | None
    author: Author | None
    timestamp: datetime
    created_at: datetime
    reactions: list[Reaction] = Field(default_factory=list)

    @classmethod
    def of(
        cls, message: Message, quoted: Message | None = None, author_name: str | None = None
    ) -> MessageOut:
        error = None
        if message.error_code is not None:
            error = ErrorInfo(
                code=message.error_code, title=message.error_title, details=message.error_details
            )
        reply_to = None
        if message.reply_to_wamid:
            reply_to = QuotedMessage(
                id=quoted.id if quoted else None,
                wamid=message.reply_to_wamid,
                text=quoted.text if quoted else None,
                direction=quoted.direction if quoted else None,
                type=quoted.type if quoted else None,
            )
        author = None
        if message.author_id is not None:
            author = Author(id=message.author_id, name=author_name or "")
        return cls(
            id=message.id,
            interaction_id=message.interaction_id,
            session_id=message.session_id,
            direction=message.direction,
            type=message.type,
            text=message.text,
            content=message.content,
            wamid=message.wamid,
            status=message.status,
            error=error,
            reply_to=reply_to,
            client_id=message.client_id,
            author=author,
            timestamp=message.timestamp,
            created_at=message.created_at,
            reactions=[Reaction.model_validate(r) for r in listed_reactions(message.reactions)],
        )


class MessagePage(BaseModel):
    items: list[MessageOut]
    has_more: bool


class InteractionList(BaseModel):
    items: list[InteractionOut]


class SendMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=4096)
    client_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$")
    reply_to: Id | None = None


class ReactionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emoji: Text = Field(max_length=64, description="One emoji; empty removes the reaction.")


class TypingOut(BaseModel):
    queued: bool
    reason: Literal["disabled", "too_soon", "no_inbound_message", "window_closed"] | None = None


class InteractionEventOut(BaseModel):
    kind: str
    from_state: str | None
    state: str
    at: datetime
    agent: Author | None


class InteractionEventList(BaseModel):
    items: list[InteractionEventOut]


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disposition: Text | None = Field(default=None, max_length=100)
    note: Text | None = Field(default=None, max_length=4000)


class Pending(BaseModel):
    level: Literal["none", "green", "yellow", "red"]
