"""Login and user shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.auth.models import User
from parley.fields import Text


class UserOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    username: str
    name: str
    role: str
    status: str
    status_reason: str | None
    status_since: datetime
    capacity: int
    must_change_password: bool = Field(
        default=False,
        description="An admin reset the password: only `PUT /me/password` is allowed until then.",
    )

    @classmethod
    def of(cls, user: User, default_capacity: int) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            name=user.name,
            role=user.role,
            status=user.status,
            status_reason=user.status_reason,
            status_since=user.status_since,
            capacity=user.capacity or default_capacity,
            must_change_password=bool(user.must_change_password),
        )


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class LoginOut(BaseModel):
    token: str
    csrf_token: str
    user: UserOut


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready", "not_ready"]
    reason: Text | None = Field(default=None, max_length=100)


class PasswordChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: Text = Field(min_length=1, max_length=1024)
