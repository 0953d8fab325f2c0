"""Message templates as the Cloud API lists them (WHATSAPP.md §6.1), one row per name+language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base, JSONType


class MessageTemplate(Base):
    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("name", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    graph_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    parameter_format: Mapped[str] = mapped_column(String(16), default="POSITIONAL")
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Why it is not approved: the webhook's reason and Meta's explanation, when known.
    reason: Mapped[str | None] = mapped_column(String(500))
    synced_at: Mapped[datetime]
