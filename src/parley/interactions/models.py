"""Sessions and interactions (with their state history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class ChatSession(Base):
    """One server-side WhatsApp chat with a contact (the help page's "session")."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    origin: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        # At most one interaction that is not done per contact: a new message always lands in it.
        Index(
            "uq_interactions_open_contact",
            "contact_id",
            unique=True,
            sqlite_where=text("state != 'done'"),
            postgresql_where=text("state != 'done'"),
        ),
        Index("ix_interactions_state_created", "state", "created_at"),
        Index("ix_interactions_agent_state", "agent_id", "state"),
        # My History and a contact's history, newest (highest id) first.
        Index("ix_interactions_agent_id_id", "agent_id", "id"),
        Index("ix_interactions_contact_id_id", "contact_id", "id"),
        # My History (the agent who handled it; everyone's for supervisors) and a contact's
        # history in time order, newest first, a page at a time.
        Index("ix_interactions_handled_by_created", "handled_by_id", "created_at", "id"),
        Index("ix_interactions_contact_created", "contact_id", "created_at", "id"),
        # The floor's and the reports' periods: offered by created time, handled by done time.
        Index("ix_interactions_created_at", "created_at"),
        Index("ix_interactions_done_at", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    state: Mapped[str] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(10))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The agent who last held it (accepted it, opened it from a workbin, started it): it stays
    # when the interaction is parked or requeued, so it remains in that agent's My History.
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    offered_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    pending_since: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    last_message_at: Mapped[datetime | None]
    last_message: Mapped[dict[str, Any] | None]
    unread_count: Mapped[int] = mapped_column(default=0)
    # The disposition's words as the agent picked them (history keeps them through a rename)
    # and the code they came from: an admin may delete a code only while no interaction points
    # at it (indexed for that check), whatever it is called now.
    disposition: Mapped[str | None] = mapped_column(String(100), index=True)
    disposition_code_id: Mapped[int | None] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    # The newest inbound message already marked read toward WhatsApp (mark-as-read is sent once).
    read_message_id: Mapped[int | None]
    # When the last typing indicator went to WhatsApp (they are spaced out, see domain.typing_indicator).
    typing_at: Mapped[datetime | None]
    # Parked: the workbin it waits in, who parked it, when and why.
    workbin_id: Mapped[int | None] = mapped_column(ForeignKey("workbins.id"), index=True)
    parked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parked_at: Mapped[datetime | None]
    park_reason: Mapped[str | None] = mapped_column(String(200))
    # Routing offers it first to this agent (who parked it), when Ready with room.
    preferred_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Where it came back from when the contact wrote again ("Alice Martins's workbin").
    returned_from: Mapped[str | None] = mapped_column(String(200))


class InteractionEvent(Base):
    """The state history of an interaction: every transition, who made it and why."""

    __tablename__ = "interaction_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(10))
    to_state: Mapped[str] = mapped_column(String(10))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime]
