"""Team shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from parley.fields import MAX_ID, Text

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), *Text.__metadata__
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), *Text.__metadata__
]
StrictId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Ids = list[StrictId]


class TeamMemberOut(BaseModel):
    id: int
    name: str
    username: str
    role: str


class TeamWorkbinOut(BaseModel):
    id: int
    name: str


class TeamOut(BaseModel):
    id: int
    name: str
    description: str | None
    members: list[TeamMemberOut] = Field(description="Users in the team (agents and supervisors).")
    workbins: list[TeamWorkbinOut] = Field(
        description="The shared workbins it uses: its agents see these (and the ones no team "
        "uses), not other teams'."
    )
    created_at: datetime


class TeamList(BaseModel):
    items: list[TeamOut]


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None
    member_ids: Ids = Field(default_factory=list, max_length=5000)
    workbin_ids: Ids = Field(default_factory=list, max_length=1000)


class TeamPatch(BaseModel):
    """Fields left out keep their value; lists given replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    member_ids: Ids | None = Field(default=None, max_length=5000)
    workbin_ids: Ids | None = Field(default=None, max_length=1000)
