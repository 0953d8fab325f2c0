"""The message's tables: messages, statuses that came before their message, and the outbox.

The outbox row is written in the same transaction as the message it sends (`outbound.py`); the
`outbox` package claims and sends it. Both live here so the message owns its whole lifecycle and
no feature below `messages` needs another's tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("interaction_id", "client_id", name="uq_messages_interaction_client"),
        Index("ix_messages_interaction_id_id", "interaction_id", "id"),
        Index("ix_messages_contact_id_id", "contact_id", "id"),
        Index("ix_messages_reacts_to_wamid", "reacts_to_wamid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    direction: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict[str, Any]]
    wamid: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    error_code: Mapped[int | None]
    error_title: Mapped[str | None] = mapped_column(String(200))
    error_details: Mapped[str | None] = mapped_column(Text)
    reply_to_wamid: Mapped[str | None] = mapped_column(String(255))
    # A customer's reaction: the wamid it is on, so a message arriving after its reaction finds
    # it by index instead of reading every message of the contact.
    reacts_to_wamid: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    timestamp: Mapped[datetime]
    created_at: Mapped[datetime]
    # When the agent pressed Send, for a reply posted late (the browser was offline): the
    # transcript shows it there. Null when it reached Parley at once.
    composed_at: Mapped[datetime | None]
    status_at: Mapped[datetime | None]
    raw: Mapped[dict[str, Any] | None]
    # The latest reaction per side, {"in"|"out": {"emoji", "at", "message_id"}}; an empty emoji
    # is a removal. Kept on the target so a transcript page needs no second lookup.
    reactions: Mapped[dict[str, Any] | None]


class PendingStatus(Base):
    """A delivery status that arrived before the message it concerns was known."""

    __tablename__ = "pending_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    wamid: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(10))
    timestamp: Mapped[datetime]
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]


class OutboxItem(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "message" sends messages.id; "mark_read" marks an inbound wamid read (payload holds it);
    # "typing" does the same and shows the typing indicator
    kind: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    # The contact's wa_id, else its BSUID (sent as `recipient`).
    to_wa_id: Mapped[str] = mapped_column(String(160))
    payload: Mapped[dict[str, Any]]
    # pending → sending → sent | failed | dropped (a typing indicator that came too late);
    # "sending" past claimed_until is reclaimed
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
