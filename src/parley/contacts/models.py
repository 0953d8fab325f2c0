"""Contacts: customers keyed by WhatsApp id (`wa_id`), else by business-scoped user id (BSUID),
and the record of contacts merged into one.

Meta's identities (WHATSAPP.md §2.2): the phone number `wa_id` (absent for a user who hides it
behind a username), the BSUID (`user_id` in webhooks, stable per business portfolio), the parent
BSUID (`parent_user_id`, shared across a portfolio's businesses) and the `@username`.
"""

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
    # A merged-away contact's id is never given to another: a client or link still holding it
    # must not open a different person (SQLite would reuse the highest id without this).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    bsuid: Mapped[str | None] = mapped_column(String(160), unique=True)
    parent_bsuid: Mapped[str | None] = mapped_column(String(160))
    username: Mapped[str | None] = mapped_column(String(200))
    profile_name: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    # When the customer stopped marketing messages (`user_preferences`), None if they accept them.
    marketing_opt_out_at: Mapped[datetime | None]
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    # Values of the custom fields an admin defines (PARLEY_CONTACT_FIELDS): {"Company": "Acme"}.
    fields: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def address(self) -> str | None:
        """Where sends go: the wa_id (`to`), else the BSUID (`recipient`)."""
        return self.wa_id or self.bsuid


class ContactMerge(Base):
    """A record of two contacts made one: `merged` (a snapshot of the contact that went away)
    now lives on as `kept_id`, with its sessions, interactions and messages."""

    __tablename__ = "contact_merges"
    __table_args__ = (
        Index("ix_contact_merges_kept", "kept_id"),
        # A merged-away id still asked for answers with the contact it became.
        Index("ix_contact_merges_merged", "merged_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    merged_id: Mapped[int]
    merged: Mapped[dict[str, Any]]
    moved: Mapped[dict[str, Any]]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class ContactAlias(Base):
    """A WhatsApp identity a contact is also known by: the number (or BSUID) of a contact merged
    into it that it could not take because it has its own (a Brazilian number with and without
    its ninth digit, a Mexican one with and without its 1). Ingest and the number lookup find
    the kept contact by it, so the next message from the merged form does not make a new one."""

    __tablename__ = "contact_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    bsuid: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime]
