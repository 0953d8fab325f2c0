"""Thin routes for /teams: supervisors and admins read them, admins change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from parley.auth.models import User
from parley.deps import CurrentUser, PathId, RuntimeDep, Uow
from parley.domain.roles import STAFF, runs_the_system
from parley.errors import Forbidden
from parley.teams import service
from parley.teams.schemas import TeamIn, TeamList, TeamOut, TeamPatch

router = APIRouter(prefix="/api/v1/teams", tags=["teams"])


def _staff(user: CurrentUser) -> None:
    if user.role not in STAFF:
        raise Forbidden("Only supervisors and admins see teams.", code="staff_only")


def _admin(user: CurrentUser) -> User:
    """Admins only (403 `admin_only`), checked before the body is read."""
    if not runs_the_system(user.role):
        raise Forbidden("Only admins change teams.", code="admin_only")
    return user


# A dependency, so an agent hears 403 before any complaint about the body (422).
AdminUser = Annotated[User, Depends(_admin)]


@router.get("", response_model=TeamList)
async def list_teams(user: CurrentUser, uow: Uow) -> TeamList:
    _staff(user)
    return TeamList(items=await service.list_teams(uow.session))


@router.get("/{team_id}", response_model=TeamOut)
async def get_team(team_id: PathId, user: CurrentUser, uow: Uow) -> TeamOut:
    _staff(user)
    return await service.team_out(uow.session, await service.get_team(uow.session, team_id))


@router.post("", response_model=TeamOut, status_code=201)
async def create_team(body: TeamIn, user: AdminUser, uow: Uow, runtime: RuntimeDep) -> TeamOut:
    team = await service.create_team(
        uow,
        runtime.clock,
        user,
        name=body.name,
        description=body.description,
        member_ids=body.member_ids,
        workbin_ids=body.workbin_ids,
    )
    out = await service.team_out(uow.session, team)
    await uow.commit()
    return out


@router.patch("/{team_id}", response_model=TeamOut)
async def update_team(
    team_id: PathId, body: TeamPatch, user: AdminUser, uow: Uow, runtime: RuntimeDep
) -> TeamOut:
    team = await service.get_team(uow.session, team_id)
    await service.update_team(
        uow,
        runtime.clock,
        user,
        team,
        name=body.name,
        description=body.description,
        member_ids=body.member_ids,
        workbin_ids=body.workbin_ids,
    )
    out = await service.team_out(uow.session, team)
    await uow.commit()
    return out


@router.delete("/{team_id}", status_code=204)
async def delete_team(team_id: PathId, user: AdminUser, uow: Uow, runtime: RuntimeDep) -> Response:
    team = await service.get_team(uow.session, team_id)
    await service.delete_team(uow, runtime.clock, user, team)
    await uow.commit()
    return Response(status_code=204)
