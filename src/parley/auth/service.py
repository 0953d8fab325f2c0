"""Users, logins and agent status: the use cases behind /auth and /me."""

from __future__ import annotations

import asyncio
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from parley.auth.events import AgentUpdated, AuthTokenEnded
from parley.auth.models import AuthToken, User
from parley.auth.passwords import hash_password, verify_password
from parley.auth.schemas import UserOut
from parley.clock import Clock, new_token
from parley.db.uow import UnitOfWork
from parley.domain.codes import match_code
from parley.domain.roles import ROLES
from parley.errors import Conflict, Invalid, NotAuthenticated
from parley.workers.wake import Wake

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
NAME_MAX = 200  # the column's size
DEACTIVATED = "This account is deactivated. Ask an admin to reactivate it."


@dataclass(frozen=True)
class Login:
    token: str
    csrf_token: str
    user: User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(
    uow: UnitOfWork, clock: Clock, *, username: str, password: str, role: str, name: str | None
) -> User:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    username = checked_username(username)
    name = checked_name(name)
    check_password(password)
    async with uow.released():  # argon2: off the event loop and the writers' gate
        digest = await asyncio.to_thread(hash_password, password)
    existing = await find_username(uow, username)
    if existing is not None:
        # Also when that user is deactivated: a username is never given to another person.
        raise Conflict(f"A user named {existing.username} already exists.", code="user_exists")
    now = clock.now()
    user = User(
        username=username,
        name=name or username,
        role=role,
        password_hash=digest,
        status="logged_out",
        status_since=now,
        idle_since=now,
        created_at=now,
    )
    uow.session.add(user)
    await uow.session.flush()
    return user


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password has at least {MIN_PASSWORD} characters", code="weak_password")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"a password has at most {MAX_PASSWORD} characters", code="weak_password")


def username_key(username: str) -> str:
    """A username as people read it: NFKC-normalised and casefolded, so "Alice", "alice" and a
    fullwidth alice are one name (Unicode TR #15 compatibility forms, TR #21 case folding)."""
    return unicodedata.normalize("NFKC", username).casefold()


def checked_username(username: str) -> str:
    """`username` as stored: its NFKC form ("carol" typed in fullwidth letters is the username
    "carol"); `Invalid` unless it has 1 to 64 letters, digits, dots or underscores."""
    username = unicodedata.normalize("NFKC", username)
    if (
        not username
        or len(username) > 64
        or not username.replace("_", "").replace(".", "").isalnum()
    ):
        raise Invalid("a username has 1 to 64 letters, digits, dots or underscores")
    return username


def checked_name(name: str | None) -> str | None:
    """A display name as stored: stripped, None when blank (the username stands in);
    `Invalid` past `NAME_MAX` characters, or with control characters (an escape sequence in a
    name would reach every screen and log line that shows it)."""
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        raise Invalid(f"a display name has at most {NAME_MAX} characters")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise Invalid("a display name cannot hold control characters")
    return name or None


async def find_username(uow: UnitOfWork, username: str) -> User | None:
    """The user, active or not, whose username reads the same as `username` (`username_key`)."""
    exact = await uow.session.scalar(select(User).where(User.username == username))
    if exact is not None:
        return exact
    wanted = username_key(username)
    for user in await uow.session.scalars(select(User)):
        if username_key(user.username) == wanted:
            return user
    return None


async def log_in(
    uow: UnitOfWork, clock: Clock, *, username: str, password: str, max_age: int
) -> Login:
    user = await find_username(uow, username)
    # argon2 takes tens of milliseconds of CPU: off the event loop, and off the writers' gate
    # (ingest and every other write would wait for it).
    async with uow.released():
        digest = user.password_hash if user else None
        valid = await asyncio.to_thread(verify_password, digest, password)
    if not valid or user is None:
        raise NotAuthenticated("Wrong username or password.", code="invalid_credentials")
    if not user.active:
        raise NotAuthenticated(DEACTIVATED, code="account_deactivated")
    token, csrf = issue_token(uow, clock, user, max_age=max_age)
    if user.status == "logged_out":
        _set_status(user, "not_ready", None, clock)
        user.last_stream_at = None  # an earlier login's streams say nothing of this one
    return Login(token=token, csrf_token=csrf, user=user)


def issue_token(uow: UnitOfWork, clock: Clock, user: User, *, max_age: int) -> tuple[str, str]:
    """A new session token and its CSRF token; only the token's digest is stored."""
    token, csrf = new_token(), new_token(16)
    now = clock.now()
    uow.session.add(
        AuthToken(
            user_id=user.id,
            token_hash=_digest(token),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    return token, csrf


async def authenticate(uow: UnitOfWork, clock: Clock, token: str) -> tuple[User, AuthToken]:
    row = await uow.session.execute(
        select(User, AuthToken)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == _digest(token))
    )
    found = row.first()
    if found is None:
        raise NotAuthenticated("Log in first.")
    user, auth = found
    if not user.active:
        raise NotAuthenticated(DEACTIVATED, code="account_deactivated")
    if auth.revoked_at is not None or auth.expires_at <= clock.now():
        raise NotAuthenticated("Your session has ended; log in again.", code="session_expired")
    return user, auth


def end_login(uow: UnitOfWork, clock: Clock, user: User, auth: AuthToken) -> None:
    """Revoke the auth token and close every socket opened with it, on every node."""
    auth.revoked_at = clock.now()
    _set_status(user, "logged_out", None, clock)
    uow.emit(AuthTokenEnded(auth_token_id=auth.id), to=user.id, supervisors=False)


async def revoke_logins(
    uow: UnitOfWork, clock: Clock, user: User, *, keep: int | None = None
) -> int:
    """End every live login of the user but `keep` (an auth token id): each token is revoked
    and its sockets close on every node (`AuthTokenEnded`). Presence is the caller's business.
    Returns how many ended."""
    now = clock.now()
    live = await uow.session.scalars(
        select(AuthToken).where(
            AuthToken.user_id == user.id,
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > now,
        )
    )
    ended = 0
    for token in live:
        if token.id == keep:
            continue
        token.revoked_at = now
        uow.emit(AuthTokenEnded(auth_token_id=token.id), to=user.id, supervisors=False)
        ended += 1
    return ended


async def change_password(
    uow: UnitOfWork, clock: Clock, user: User, auth: AuthToken, *, current: str, new: str
) -> None:
    """The user's own change (also the one a temporary password asks for): the current password
    must match, the new one differ; the user's other logins end, this one stays."""
    async with uow.released():
        valid = await asyncio.to_thread(verify_password, user.password_hash, current)
    if not valid:
        raise Invalid(
            "The current password is not right.",
            code="wrong_password",
            fields=[{"field": "current_password", "message": "does not match"}],
        )
    check_password(new)
    if new == current:
        raise Invalid("Choose a password different from the current one.", code="same_password")
    async with uow.released():
        digest = await asyncio.to_thread(hash_password, new)
    user.password_hash = digest
    user.must_change_password = False
    await revoke_logins(uow, clock, user, keep=auth.id)


def _set_status(user: User, status: str, reason: str | None, clock: Clock) -> None:
    if (user.status, user.status_reason) == (status, reason):
        return  # a repeated request: the desktop's status timer keeps running
    now = clock.now()
    if status == "ready" and user.status != "ready":
        user.idle_since = now
        user.missed_offers = 0
        if user.last_stream_at is not None:
            # Going Ready is a sign of life: the grace time starts again, so a desktop whose
            # stream is still connecting is not swept away as gone a moment later.
            user.last_stream_at = max(user.last_stream_at, now)
    user.status = status
    user.status_reason = reason
    user.status_since = now


def set_status(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    status: str,
    reason: str | None,
    *,
    reasons: tuple[str, ...] | None = None,
) -> None:
    """Ready, or Not Ready with an optional reason from `reasons` (any reason when None)."""
    if status != "not_ready" or reason is None or not reason.strip():
        reason = None
    elif reasons is not None:
        reason = match_code(reason, reasons)
        if reason is None:
            raise Invalid(
                f"Unknown Not Ready reason; choose one of: {', '.join(reasons) or 'none'}.",
                code="unknown_reason",
            )
    _set_status(user, status, reason, clock)
    uow.wake(Wake.ROUTING)


def announce(uow: UnitOfWork, user: User, capacity: int, *, notice: str | None = None) -> None:
    uow.emit(AgentUpdated(agent=UserOut.of(user, capacity), notice=notice), to=user.id)
