"""Response categories (a tree) and standard responses (text with field codes, attachments,
an optional WhatsApp template binding)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base, JSONType


class ResponseCategory(Base):
    __tablename__ = "response_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("response_categories.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StandardResponse(Base):
    __tablename__ = "standard_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("response_categories.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    # Attachment ids (`POST /api/v1/attachments`), sent in this order after the text.
    attachment_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    # The WhatsApp template it is bound to (a notification), or None.
    template_name: Mapped[str | None] = mapped_column(String(512))
    template_language: Mapped[str | None] = mapped_column(String(20))
    # Per template parameter key: {"label": "Name", "value": "{{contact.name}}"}.
    template_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
