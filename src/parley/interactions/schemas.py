"""Interaction shapes of the public API (a message's are in `parley.messages.schemas`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from parley.contacts.models import Contact
from parley.contacts.schemas import ContactOut
from parley.db.bulk import loaded_values
from parley.domain.window import window_expires_at
from parley.fields import Id, Text
from parley.interactions.models import Interaction
from parley.messages.schemas import Author, MessageOut


class LastMessage(BaseModel):
    """The interaction's newest message, as the list shows it. Stored as JSON with ISO text
    times; parsed here so its time renders like every other (UTC, ending in `Z`)."""

    direction: str
    type: str
    text: str | None = None
    created_at: datetime
    # Who wrote an outgoing message (None: the customer, the phone, or a preview stored before
    # it named its author), so a viewer reads "You:" only for their own words.
    author_id: int | None = None

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    queued_at: datetime | None = Field(
        default=None, description="When it last entered the queue (None if it never did)."
    )
    offered_at: datetime | None
    accepted_at: datetime | None
    done_at: datetime | None
    pending_since: datetime | None
    last_inbound_at: datetime | None
    window_expires_at: datetime | None
    last_message: LastMessage | None
    unread_count: int
    disposition: str | None
    version: int
    workbin_id: int | None = Field(default=None, description="The workbin it is parked in.")
    parked_at: datetime | None = None
    park_reason: str | None = None
    returned_from: str | None = Field(
        default=None,
        description="Where it came back from when the contact wrote again, e.g. "
        '"Alice Martins\'s workbin".',
    )

    @classmethod
    def of(cls, interaction: Interaction, contact: Contact) -> InteractionOut:
        row = loaded_values(interaction)  # hot on ingest: one event per interaction touched
        return cls(
            id=row["id"],
            state=row["state"],
            origin=row["origin"],
            contact=ContactOut.of(contact),
            session_id=row["session_id"],
            agent_id=row["agent_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            queued_at=row["queued_at"],
            offered_at=row["offered_at"],
            accepted_at=row["accepted_at"],
            done_at=row["done_at"],
            pending_since=row["pending_since"],
            last_inbound_at=row["last_inbound_at"],
            window_expires_at=window_expires_at(row["last_inbound_at"]),
            last_message=LastMessage.model_validate(row["last_message"])
            if row["last_message"]
            else None,
            unread_count=row["unread_count"],
            disposition=row["disposition"],
            version=row["version"],
            workbin_id=row["workbin_id"],
            parked_at=row["parked_at"],
            park_reason=row["park_reason"],
            returned_from=row["returned_from"],
        )


class PastInteractionOut(BaseModel):
    """How an earlier interaction of the contact ended, for the line closing it in the transcript."""

    id: int
    state: str
    origin: str
    agent: Author | None
    created_at: datetime
    done_at: datetime | None
    disposition: str | None
    note: str | None


class MessagePage(BaseModel):
    items: list[MessageOut]
    has_more: bool
    interactions: list[PastInteractionOut] = Field(
        default_factory=list,
        description="The other interactions the page's messages belong to, oldest first.",
    )


class InteractionList(BaseModel):
    items: list[InteractionOut]


# Text with its length limit on the str itself, ahead of Text's own check: a limit given to an
# optional field (`Text | None = Field(max_length=…)`) is checked as a sequence's, "items".
DispositionText = Annotated[str, StringConstraints(max_length=100), *Text.__metadata__]
NoteText = Annotated[str, StringConstraints(max_length=4000), *Text.__metadata__]


def _not_blank(value: str) -> str:
    # WhatsApp refuses a text of only whitespace, long after the agent pressed Send: say so now.
    if not value.strip():
        raise PydanticCustomError("string_blank", "String should not be only whitespace")
    return value


MessageText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4096),
    *Text.__metadata__,
    AfterValidator(_not_blank),
]


class SendMessageIn(BaseModel):
    """Text, files (ids from `POST /api/v1/attachments`), or both; see media.outbound for how
    they become WhatsApp messages."""

    model_config = ConfigDict(extra="forbid")

    text: MessageText | None = None
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)
    caption: bool = Field(
        default=False,
        description="With one image, video or document: send the text as its caption (one "
        "message) instead of first, as a message of its own (the help page's order).",
    )
    client_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$")
    reply_to: Id | None = None
    composed_at: AwareDatetime | None = Field(
        default=None,
        description="When the agent pressed Send, for a reply posted again after the connection "
        "was lost: kept when earlier than the server's time (at most 24 hours earlier), so the "
        "transcript shows the reply where it was written, marked as sent late.",
    )

    @model_validator(mode="after")
    def _something_to_send(self) -> SendMessageIn:
        if self.text is None and not self.attachment_ids:
            raise PydanticCustomError("missing", "Send text, attachments or both")
        return self


class TypingOut(BaseModel):
    queued: bool
    reason: Literal["disabled", "too_soon", "no_inbound_message", "window_closed"] | None = None


class InteractionEventOut(BaseModel):
    kind: str
    from_state: str | None
    state: str
    at: datetime
    agent: Author | None
    note: str | None = Field(default=None, description="Why, in words (a park reason, say).")


class InteractionEventList(BaseModel):
    items: list[InteractionEventOut]


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disposition: DispositionText | None = None
    note: NoteText | None = None
