"""Thin routes for workbins: list them and their items, park, open, and (admins) manage them."""

from __future__ import annotations

from fastapi import APIRouter, Response

from parley.deps import CurrentUser, PathId, RuntimeDep, Uow
from parley.errors import Forbidden
from parley.interactions.schemas import InteractionOut
from parley.interactions.service import access_interaction, interaction_out
from parley.workbins import admin, service
from parley.workbins.schemas import (
    MoveToWorkbinIn,
    WorkbinIn,
    WorkbinItemList,
    WorkbinList,
    WorkbinOut,
    WorkbinPatch,
)

router = APIRouter(prefix="/api/v1", tags=["workbins"])


@router.get("/workbins", response_model=WorkbinList)
async def list_workbins(user: CurrentUser, runtime: RuntimeDep) -> WorkbinList:
    """The caller's personal workbin (agents), every shared one, and for supervisors and admins
    every agent's; each with its item count and oldest item."""
    # The writer's unit of work, though a GET: an agent's personal workbin is made the first
    # time they look (once, idempotently), so it always has an id to list and park in.
    async with runtime.uow() as uow:
        user = await uow.session.merge(user, load=False)
        items = await service.list_workbins(uow, runtime.clock, user)
        await uow.commit()
    return WorkbinList(items=items)


@router.get("/workbins/{workbin_id}/items", response_model=WorkbinItemList)
async def list_items(workbin_id: PathId, user: CurrentUser, uow: Uow) -> WorkbinItemList:
    workbin = await service.access_workbin(uow, user, workbin_id)
    return WorkbinItemList(items=await service.list_items(uow, workbin))


@router.post("/interactions/{interaction_id}/workbin", response_model=InteractionOut)
async def move_to_workbin(
    interaction_id: PathId,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    body: MoveToWorkbinIn | None = None,
) -> InteractionOut:
    """Move to Workbin: the agent's personal one unless `workbin_id` names another."""
    body = body or MoveToWorkbinIn()
    interaction = await access_interaction(uow, user, interaction_id, for_update=True)
    await service.move_to_workbin(
        uow, runtime.clock, user, interaction, workbin_id=body.workbin_id, reason=body.reason
    )
    out = await interaction_out(uow, interaction)
    await uow.commit()
    return out


@router.post("/interactions/{interaction_id}/open", response_model=InteractionOut)
async def open_item(
    interaction_id: PathId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    """Open: a parked interaction comes back to the caller's desktop (409 at capacity)."""
    interaction = await access_interaction(uow, user, interaction_id, for_update=True)
    capacity = runtime.settings.agent_capacity
    await service.open_item(uow, runtime.clock, user, interaction, capacity=capacity)
    out = await interaction_out(uow, interaction)
    await uow.commit()
    return out


@router.post("/workbins", response_model=WorkbinOut, status_code=201)
async def create_workbin(
    body: WorkbinIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> WorkbinOut:
    _admin(user)
    workbin = await admin.create_workbin(
        uow, runtime.clock, user, name=body.name, description=body.description
    )
    out = await service.workbin_out(uow, workbin)
    await uow.commit()
    return out


@router.patch("/workbins/{workbin_id}", response_model=WorkbinOut)
async def update_workbin(
    workbin_id: PathId, body: WorkbinPatch, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> WorkbinOut:
    """Rename or describe a shared workbin."""
    _admin(user)
    workbin = await service.access_workbin(uow, user, workbin_id)
    await admin.update_workbin(
        uow, runtime.clock, user, workbin, name=body.name, description=body.description
    )
    out = await service.workbin_out(uow, workbin)
    await uow.commit()
    return out


@router.delete("/workbins/{workbin_id}", status_code=204)
async def delete_workbin(
    workbin_id: PathId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> Response:
    _admin(user)
    workbin = await service.access_workbin(uow, user, workbin_id)
    await admin.delete_workbin(uow, runtime.clock, user, workbin)
    await uow.commit()
    return Response(status_code=204)


def _admin(user: CurrentUser) -> None:
    if user.role != "admin":
        raise Forbidden("Only admins manage workbins.", code="admin_only")
