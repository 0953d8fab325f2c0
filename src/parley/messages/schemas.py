"""Message shapes of the public API: a message as REST and events show it, and a reaction."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from parley.db.bulk import loaded_values
from parley.domain.reactions import is_emoji, listed_reactions
from parley.fields import Text
from parley.messages.models import Message


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
    composed_at: datetime | None = Field(
        default=None,
        description="When the agent pressed Send, if the reply reached Parley later (the browser "
        "was offline): the transcript shows it there, marked as sent late.",
    )
    reactions: list[Reaction] = Field(default_factory=list)

    @classmethod
    def of(
        cls, message: Message, quoted: Message | None = None, author_name: str | None = None
    ) -> MessageOut:
        row = loaded_values(message)  # hot on ingest: one event per message
        error = None
        if row["error_code"] is not None:
            error = ErrorInfo(
                code=row["error_code"], title=row["error_title"], details=row["error_details"]
            )
        reply_to = None
        if row["reply_to_wamid"]:
            reply_to = QuotedMessage(
                id=quoted.id if quoted else None,
                wamid=row["reply_to_wamid"],
                text=quoted.text if quoted else None,
                direction=quoted.direction if quoted else None,
                type=quoted.type if quoted else None,
            )
        author = None
        if row["author_id"] is not None:
            author = Author(id=row["author_id"], name=author_name or "")
        return cls(
            id=row["id"],
            interaction_id=row["interaction_id"],
            session_id=row["session_id"],
            direction=row["direction"],
            type=row["type"],
            text=row["text"],
            content=row["content"],
            wamid=row["wamid"],
            status=row["status"],
            error=error,
            reply_to=reply_to,
            client_id=row["client_id"],
            author=author,
            timestamp=row["timestamp"],
            created_at=row["created_at"],
            composed_at=row["composed_at"],
            reactions=[Reaction.model_validate(r) for r in listed_reactions(row["reactions"])],
        )


def _one_emoji(value: str) -> str:
    """One emoji (a single grapheme cluster of Unicode's emoji list), or empty to remove the
    reaction; surrounding spaces are dropped."""
    value = value.strip()
    if value and not is_emoji(value):
        raise PydanticCustomError(
            "invalid_emoji",
            "A reaction is one emoji, or empty to remove it",
            {"code": "invalid_emoji"},  # the error code the API answers with (see app.py)
        )
    return value


class ReactionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emoji: Annotated[Text, AfterValidator(_one_emoji)] = Field(
        max_length=64, description="One emoji; empty removes the reaction."
    )
