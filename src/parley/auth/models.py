"""Users (agents, supervisors, admins) and their login tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="logged_out")
    status_reason: Mapped[str | None] = mapped_column(String(100))
    status_since: Mapped[datetime]
    # Longest-idle routing: the moment the agent last became free or took new work.
    idle_since: Mapped[datetime]
    capacity: Mapped[int | None]
    created_at: Mapped[datetime]
    # The last heartbeat of one of the agent's event streams, on any node (see domain.presence).
    last_stream_at: Mapped[datetime | None]
    # Offers that expired one after another; accepting, rejecting or going Ready resets it.
    missed_offers: Mapped[int] = mapped_column(default=0)
    # Users are never deleted (their name stays on what they did): a deactivated one cannot log
    # in, and their username is never given to anyone else.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    deactivated_at: Mapped[datetime | None]
    # Set by an admin's password reset: the temporary password opens only the page that
    # changes it (see parley.deps).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # A supervisor's view of the floor: "all" agents, or only the "teams" they belong to.
    supervisor_scope: Mapped[str] = mapped_column(String(10), default="all", server_default="all")


class AuthToken(Base):
    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginFailure(Base):
    """One failed login, counted against its username and its address (see auth.throttle)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))  # "user:<name>" or "address:<ip>"
    at: Mapped[datetime]
