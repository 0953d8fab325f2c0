"""Contacts: customers keyed by WhatsApp id (wa_id), or by business-scoped user id (BSUID)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    # WhatsApp's business-scoped user id (WHATSAPP.md §2.4), e.g. "US.13491208655302741918"
    bsuid: Mapped[str | None] = mapped_column(String(160), unique=True)
    profile_name: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
