"""Audit log shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Actor(BaseModel):
    id: int
    username: str
    name: str


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: Actor | None = Field(description="Who acted; null when Parley acted by itself.")
    action: str = Field(description='A dotted verb, subject first: "user.deactivated".')
    subject_type: str
    subject_id: str
    summary: str
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntryOut] = Field(description="Newest first.")
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )
