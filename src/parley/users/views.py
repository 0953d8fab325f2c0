"""Thin routes for /users: admins manage users; supervisors read the users they watch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from parley.auth.models import User
from parley.deps import CurrentUser, PathId, RuntimeDep, Uow
from parley.domain.roles import STAFF, runs_the_system
from parley.errors import Forbidden
from parley.teams.service import visible_agent_ids
from parley.users import service
from parley.users.schemas import (
    PasswordResetIn,
    UserCreate,
    UserList,
    UserPatch,
    UserRecord,
    UserWithPassword,
)

router = APIRouter(prefix="/api/v1/users", tags=["users"])


def _admin(user: CurrentUser) -> User:
    """Admins only (403 `admin_only`), checked before the body is read."""
    if not runs_the_system(user.role):
        raise Forbidden("Only admins manage users.", code="admin_only")
    return user


# A dependency, so an agent hears 403 before any complaint about the body (422).
AdminUser = Annotated[User, Depends(_admin)]


@router.get("", response_model=UserList)
async def list_users(user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> UserList:
    """Every user for admins and supervisors (a supervisor limited to their teams: their teams'
    members); agents 403."""
    if user.role not in STAFF:
        raise Forbidden("Only supervisors and admins list users.", code="staff_only")
    only = await visible_agent_ids(uow.session, user)
    items = await service.list_users(uow, runtime.settings.agent_capacity, only)
    return UserList(items=items)


@router.post("", response_model=UserWithPassword, status_code=201)
async def create_user(
    body: UserCreate, user: AdminUser, uow: Uow, runtime: RuntimeDep
) -> UserWithPassword:
    created, made = await service.add_user(uow, runtime.clock, user, body)
    out = await service.user_record(uow, created, runtime.settings.agent_capacity)
    await uow.commit()
    return UserWithPassword(user=out, temporary_password=made)


@router.get("/{user_id}", response_model=UserRecord)
async def get_user(user_id: PathId, user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> UserRecord:
    if user.role not in STAFF:
        raise Forbidden("Only supervisors and admins see users.", code="staff_only")
    only = await visible_agent_ids(uow.session, user)
    found = await service.get_user(uow, user_id if only is None or user_id in only else 0)
    return await service.user_record(uow, found, runtime.settings.agent_capacity)


@router.patch("/{user_id}", response_model=UserRecord)
async def update_user(
    user_id: PathId, body: UserPatch, user: AdminUser, uow: Uow, runtime: RuntimeDep
) -> UserRecord:
    """Name, role, capacity, teams, supervisor scope. A new role ends the user's logins."""
    target = await service.get_user(uow, user_id, for_update=True)
    capacity = runtime.settings.agent_capacity
    await service.update_user(uow, runtime.clock, user, target, body, capacity=capacity)
    out = await service.user_record(uow, target, capacity)
    await uow.commit()
    return out


@router.post("/{user_id}/password", response_model=UserWithPassword)
async def reset_password(
    user_id: PathId,
    user: AdminUser,
    uow: Uow,
    runtime: RuntimeDep,
    body: PasswordResetIn | None = None,
) -> UserWithPassword:
    """A temporary password (given, or made and returned once); the user's logins end and they
    choose their own password at the next one."""
    body = body or PasswordResetIn()
    target = await service.get_user(uow, user_id, for_update=True)
    capacity = runtime.settings.agent_capacity
    made = await service.reset_password(
        uow, runtime.clock, user, target, body.password, capacity=capacity
    )
    out = await service.user_record(uow, target, capacity)
    await uow.commit()
    return UserWithPassword(user=out, temporary_password=made)


@router.post("/{user_id}/deactivate", response_model=UserRecord)
async def deactivate(user_id: PathId, user: AdminUser, uow: Uow, runtime: RuntimeDep) -> UserRecord:
    """The user cannot log in any more and every login they have ends at once."""
    target = await service.get_user(uow, user_id, for_update=True)
    capacity = runtime.settings.agent_capacity
    await service.deactivate(uow, runtime.clock, user, target, capacity=capacity)
    out = await service.user_record(uow, target, capacity)
    await uow.commit()
    return out


@router.post("/{user_id}/reactivate", response_model=UserRecord)
async def reactivate(user_id: PathId, user: AdminUser, uow: Uow, runtime: RuntimeDep) -> UserRecord:
    target = await service.get_user(uow, user_id, for_update=True)
    await service.reactivate(uow, runtime.clock, user, target)
    out = await service.user_record(uow, target, runtime.settings.agent_capacity)
    await uow.commit()
    return out
