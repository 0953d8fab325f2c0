"""Contacts: customers keyed by WhatsApp id (wa_id), or by business-scoped user id (BSUID),
and the record of contacts merged into one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Contact(Base):
    """A customer. The search index over its text (name, numbers, email, notes, custom field
    values) is kept by the database itself: SQLite triggers feed the `contacts_fts` FTS5 table,
    and PostgreSQL's `search_text` is a generated column with a trigram index (see the
    contact_directory migration), so every writer keeps it in sync."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    # WhatsApp's business-scoped user id (WHATSAPP.md §2.4), e.g. "US.13491208655302741918"
    bsuid: Mapped[str | None] = mapped_column(String(160), unique=True)
    profile_name: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    # Values of the custom fields an admin defines (PARLEY_CONTACT_FIELDS): {"Company": "Acme"}.
    fields: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ContactMerge(Base):
    """A record of two contacts made one: `merged` (a snapshot of the contact that went away)
    now lives on as `kept_id`, with its sessions, interactions and messages."""

    __tablename__ = "contact_merges"
    __table_args__ = (Index("ix_contact_merges_kept", "kept_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    merged_id: Mapped[int]
    merged: Mapped[dict[str, Any]]
    moved: Mapped[dict[str, Any]]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
