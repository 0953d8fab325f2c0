"""Workbin shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from parley.contacts.schemas import ContactOut
from parley.fields import MAX_ID, Text
from parley.interactions.schemas import LastMessage
from parley.messages.schemas import Author

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), *Text.__metadata__
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), *Text.__metadata__
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), *Text.__metadata__
]
StrictId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]


class WorkbinOut(BaseModel):
    id: int
    name: str
    kind: str = Field(description='"personal" (one agent\'s) or "shared" (the team\'s)')
    owner: Author | None
    description: str | None
    item_count: int
    oldest_parked_at: datetime | None


class WorkbinList(BaseModel):
    items: list[WorkbinOut]


class WorkbinItemOut(BaseModel):
    """A parked interaction as a workbin lists it."""

    interaction_id: int
    workbin_id: int
    session_id: int
    contact: ContactOut
    last_message: LastMessage | None
    last_message_at: datetime | None
    pending_since: datetime | None = Field(
        description="The customer's oldest unanswered message: how long they have waited."
    )
    parked_at: datetime | None
    parked_by: Author | None
    reason: str | None
    version: int


class WorkbinRemovedOut(BaseModel):
    workbin_id: int


class WorkbinItemList(BaseModel):
    items: list[WorkbinItemOut]


class MoveToWorkbinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    workbin_id: StrictId | None = Field(
        default=None, description="The workbin; the agent's personal one when omitted."
    )
    reason: Reason | None = None


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_id: StrictId


class WorkbinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None


class WorkbinPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
