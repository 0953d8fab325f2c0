"""Outbound work for the Cloud API, written in the same transaction as the agent's action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


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
