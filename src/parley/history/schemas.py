"""History shapes of the public API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from parley.contacts.schemas import ContactOut
from parley.interactions.schemas import LastMessage
from parley.messages.schemas import Author


class HistoryItem(BaseModel):
    """One interaction as a history list shows it: who, when, how it ended."""

    model_config = ConfigDict(extra="forbid")

    id: int
    state: str
    origin: str
    contact: ContactOut
    agent: Author | None
    created_at: datetime
    done_at: datetime | None
    disposition: str | None
    note: str | None
    last_message: LastMessage | None


class HistoryPage(BaseModel):
    """Newest first; `next_before` is the `before` that reads the next (older) page, or null."""

    items: list[HistoryItem]
    next_before: int | None


class HistoryFilter(BaseModel):
    """What `GET /history` narrows to. Days are UTC calendar days, both ends included."""

    agent_id: int | None = None
    contact_id: int | None = None
    # Contacts matching this text as the Contact Directory's search finds them.
    contact_ids: list[int] | None = None
    disposition: str | None = None
    state: str | None = None
    since: date | None = None
    until: date | None = None
    before: int | None = None
    limit: int = 50
