"""User shapes of the admins' API (`/users`); the user's own shape is `auth.schemas.UserOut`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from parley.domain.roles import Role
from parley.domain.teams import Scope
from parley.fields import MAX_ID, Text

Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    *Text.__metadata__,
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), *Text.__metadata__
]
Password = Annotated[str, Field(min_length=1, max_length=1024), *Text.__metadata__]
Capacity = Annotated[int, Strict(), Field(ge=1, le=100)]
TeamIds = list[Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]]


class TeamRef(BaseModel):
    id: int
    name: str


class UserRecord(BaseModel):
    id: int
    username: str
    name: str
    role: str
    capacity: int | None = Field(
        description="The user's own number of concurrent interactions; null: the default "
        "(`PARLEY_AGENT_CAPACITY`), given in `effective_capacity`."
    )
    effective_capacity: int
    teams: list[TeamRef]
    supervisor_scope: Scope = Field(
        description='For a supervisor: "all" agents, or only the members of their "teams".'
    )
    active: bool
    deactivated_at: datetime | None
    must_change_password: bool
    status: str
    status_reason: str | None
    status_since: datetime
    created_at: datetime
    last_login_at: datetime | None


class UserList(BaseModel):
    items: list[UserRecord]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username = Field(description="Letters, digits, dots, underscores; never reused.")
    name: Name | None = None
    role: Role = "agent"
    password: Password | None = Field(
        default=None,
        description="The first password; left out, Parley makes a temporary one and returns it "
        "once as `temporary_password`.",
    )
    must_change_password: bool = Field(
        default=True, description="The user chooses their own password at first login."
    )
    capacity: Capacity | None = None
    team_ids: TeamIds = Field(default_factory=list, max_length=500)
    supervisor_scope: Scope = "all"


class UserPatch(BaseModel):
    """Fields left out keep their value. `capacity: null` returns to the default."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    role: Role | None = None
    capacity: Capacity | None = None
    team_ids: TeamIds | None = Field(default=None, max_length=500)
    supervisor_scope: Scope | None = None


class PasswordResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password | None = Field(
        default=None, description="The temporary password; left out, Parley makes one."
    )


class UserWithPassword(BaseModel):
    user: UserRecord
    temporary_password: str | None = Field(
        description="Shown this once (only when Parley made it): give it to the user, who must "
        "choose their own at their next login."
    )


Action = Literal["deactivate", "reactivate"]
