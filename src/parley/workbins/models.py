"""Workbins: named stores of parked interactions, personal (one agent) or shared (the team)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Workbin(Base):
    __tablename__ = "workbins"
    # A deleted workbin's id is never given to another: a client still holding it must not park
    # into a different workbin (SQLite would reuse the highest id without this).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # "personal" | "shared"
    # The agent a personal workbin belongs to (one each); None for a shared one.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
