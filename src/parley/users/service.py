"""Admins' use cases on users: add, change, reset a password, deactivate, reactivate.

Users are never deleted, so a username is never given to another person and what a user did
keeps their name. Every change is recorded in the audit log in the caller's transaction; the
last active admin can be neither deactivated nor demoted. A change that takes a login's rights
away (deactivation, a new role, a password reset) ends the user's logins at once, on every node,
as Log out would (`routing.presence.sign_out_everywhere`). Services never commit.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select

from parley.audit.service import record_action
from parley.auth.models import AuthToken, User
from parley.auth.passwords import hash_password
from parley.auth.service import announce, check_password, create_user
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.errors import Conflict, NotFound
from parley.routing.presence import sign_out_everywhere
from parley.teams.models import Team, TeamMember
from parley.teams.service import set_user_teams
from parley.users.schemas import TeamRef, UserCreate, UserPatch, UserRecord
from parley.workers.wake import Wake

# Letters and digits nobody confuses when reading them aloud or off a screen (no 0/O, 1/l/I).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """Four groups of four (e.g. "k7mq-3hxp-a9tw-ne4r"): about 79 bits, easy to read out."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))


async def list_users(
    uow: UnitOfWork, default_capacity: int, only: Collection[int] | None = None
) -> list[UserRecord]:
    """Every user (active first, then by name), or those in `only`; with their teams and the
    time of their last login."""
    last_login = (
        select(AuthToken.user_id, func.max(AuthToken.created_at).label("at"))
        .group_by(AuthToken.user_id)
        .subquery()
    )
    query = (
        select(User, last_login.c.at)
        .outerjoin(last_login, last_login.c.user_id == User.id)
        .order_by(User.active.desc(), User.name, User.id)
    )
    if only is not None:
        query = query.where(User.id.in_(sorted(only)))
    rows = (await uow.session.execute(query)).all()
    teams = await _teams_by_user(uow, [u.id for u, _ in rows])
    return [_record(u, at, teams.get(u.id, []), default_capacity) for u, at in rows]


async def user_record(uow: UnitOfWork, user: User, default_capacity: int) -> UserRecord:
    return (await list_users(uow, default_capacity, only=[user.id]))[0]


async def get_user(uow: UnitOfWork, user_id: int, *, for_update: bool = False) -> User:
    user = await uow.session.get(User, user_id, with_for_update=for_update)
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return user


async def add_user(
    uow: UnitOfWork, clock: Clock, actor: User, body: UserCreate
) -> tuple[User, str | None]:
    """A new user; returns them and the temporary password Parley made (None if given)."""
    made = temporary_password() if body.password is None else None
    password = made or body.password or ""
    user = await create_user(
        uow, clock, username=body.username, password=password, role=body.role, name=body.name
    )
    user.capacity = body.capacity
    user.supervisor_scope = body.supervisor_scope
    user.must_change_password = body.must_change_password or made is not None
    if body.team_ids:
        await set_user_teams(uow, user, body.team_ids)
    _audit(
        uow,
        clock,
        actor,
        user,
        "created",
        f"{actor.name} added the {user.role} {user.name}",
        {
            "username": user.username,
            "role": user.role,
            "teams": body.team_ids,
        },
    )
    return user, made


async def update_user(
    uow: UnitOfWork, clock: Clock, actor: User, user: User, body: UserPatch, *, capacity: int
) -> None:
    """Change name, role, capacity, teams or supervisor scope. A new role ends the user's logins
    (the desktop they log in to next is the new role's); the last active admin keeps theirs."""
    given = body.model_fields_set
    changes: dict[str, list[object]] = {}
    if body.name is not None and body.name != user.name:
        changes["name"] = [user.name, body.name]
        user.name = body.name
    if "capacity" in given and body.capacity != user.capacity:
        changes["capacity"] = [user.capacity, body.capacity]
        user.capacity = body.capacity
    if body.supervisor_scope is not None and body.supervisor_scope != user.supervisor_scope:
        changes["supervisor_scope"] = [user.supervisor_scope, body.supervisor_scope]
        user.supervisor_scope = body.supervisor_scope
    if body.team_ids is not None:
        before = await set_user_teams(uow, user, body.team_ids)
        if before is not None:
            changes["teams"] = [before, await _team_names(uow, user.id)]
    role_changed = body.role is not None and body.role != user.role
    if role_changed and body.role is not None:
        if user.role == "admin" and user.active:
            await _keep_an_admin(uow, user, "demoted")
        changes["role"] = [user.role, body.role]
        user.role = body.role
    if not changes:
        return
    summary = f"{actor.name} changed {user.name}: " + ", ".join(
        _describe(k, v) for k, v in changes.items()
    )
    _audit(uow, clock, actor, user, "updated", summary, {"changes": changes})
    if role_changed and user.active:
        await sign_out_everywhere(uow, clock, user, capacity=capacity, reason="Role changed")
    else:
        announce(uow, user, capacity)
        if "capacity" in changes:
            uow.wake(Wake.ROUTING)  # room for more work, offered now


async def reset_password(
    uow: UnitOfWork, clock: Clock, actor: User, user: User, password: str | None, *, capacity: int
) -> str | None:
    """Give the user a temporary password (`password`, or one Parley makes and returns): their
    logins end at once, and at the next one they must choose their own."""
    made = temporary_password() if password is None else None
    chosen = made or password or ""
    check_password(chosen)
    async with uow.released():
        digest = await asyncio.to_thread(hash_password, chosen)
    user.password_hash = digest
    user.must_change_password = True
    _audit(
        uow, clock, actor, user, "password_reset", f"{actor.name} reset the password of {user.name}"
    )
    if user.active:
        await sign_out_everywhere(uow, clock, user, capacity=capacity, reason="Password reset")
    return made


async def deactivate(
    uow: UnitOfWork, clock: Clock, actor: User, user: User, *, capacity: int
) -> None:
    """The user can no longer log in, and every login they have ends now, on every node: open
    desktops return to the login page, what they held goes to their workbin, their offers back
    to the queue. Idempotent."""
    if not user.active:
        return
    if user.id == actor.id:
        raise Conflict("You cannot deactivate yourself.", code="cannot_deactivate_self")
    if user.role == "admin":
        await _keep_an_admin(uow, user, "deactivated")
    user.active = False
    user.deactivated_at = clock.now()
    ended = await sign_out_everywhere(uow, clock, user, capacity=capacity, reason="Deactivated")
    _audit(
        uow,
        clock,
        actor,
        user,
        "deactivated",
        f"{actor.name} deactivated {user.name}",
        {"logins_ended": ended},
    )


async def reactivate(uow: UnitOfWork, clock: Clock, actor: User, user: User) -> None:
    """The user may log in again (with the password they had, or one an admin resets)."""
    if user.active:
        return
    user.active = True
    user.deactivated_at = None
    _audit(uow, clock, actor, user, "reactivated", f"{actor.name} reactivated {user.name}")


async def _keep_an_admin(uow: UnitOfWork, user: User, verb: str) -> None:
    """Refuse when `user` is the last active admin. On PostgreSQL the admins' rows are locked
    first, so two admins demoting each other at once cannot both succeed (SQLite has one writer)."""
    query = select(User.id).where(User.role == "admin", User.active.is_(True))
    if uow.dialect == "postgresql":
        query = query.with_for_update()
    admins = set(await uow.session.scalars(query))
    if admins <= {user.id}:
        raise Conflict(
            f"{user.name} is the last active admin and cannot be {verb}: make another admin first.",
            code="last_admin",
        )


async def _teams_by_user(uow: UnitOfWork, user_ids: list[int]) -> dict[int, list[TeamRef]]:
    if not user_ids:
        return {}
    rows = await uow.session.execute(
        select(TeamMember.user_id, Team.id, Team.name)
        .join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.user_id.in_(user_ids))
        .order_by(Team.name_key)
    )
    found: dict[int, list[TeamRef]] = {}
    for user_id, team_id, name in rows:
        found.setdefault(user_id, []).append(TeamRef(id=team_id, name=name))
    return found


async def _team_names(uow: UnitOfWork, user_id: int) -> list[str]:
    return [t.name for t in (await _teams_by_user(uow, [user_id])).get(user_id, [])]


def _record(
    user: User, last_login: datetime | None, teams: list[TeamRef], capacity: int
) -> UserRecord:
    return UserRecord(
        id=user.id,
        username=user.username,
        name=user.name,
        role=user.role,
        capacity=user.capacity,
        effective_capacity=user.capacity or capacity,
        teams=teams,
        supervisor_scope="teams" if user.supervisor_scope == "teams" else "all",
        active=user.active,
        deactivated_at=user.deactivated_at,
        must_change_password=user.must_change_password,
        status=user.status,
        status_reason=user.status_reason,
        status_since=user.status_since,
        created_at=user.created_at,
        last_login_at=last_login,
    )


def _describe(field: str, change: list[object]) -> str:
    new = change[1]
    words = {"supervisor_scope": "scope"}.get(field, field)
    if field == "teams":
        return f"teams {', '.join(map(str, new)) or 'none'}"  # type: ignore[call-overload]
    if field == "capacity":
        return f"capacity {new if new is not None else 'default'}"
    return f"{words} {new}"


def _audit(
    uow: UnitOfWork, clock: Clock, actor: User, user: User, verb: str, summary: str,
    detail: dict[str, object] | None = None,
) -> None:  # fmt: skip
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=actor.id,
        action=f"user.{verb}",
        subject_type="user",
        subject_id=user.id,
        summary=summary,
        detail={"username": user.username, **(detail or {})},
    )
