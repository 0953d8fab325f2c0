"""Thin routes for /interactions: load with access checks, call one service, return a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.interactions import service
from parley.interactions.schemas import (
    DoneIn,
    InteractionList,
    InteractionOut,
    MessageOut,
    MessagePage,
    SendMessageIn,
)

router = APIRouter(prefix="/api/v1/interactions", tags=["interactions"])


@router.get("", response_model=InteractionList)
async def list_interactions(user: CurrentUser, uow: Uow) -> InteractionList:
    return InteractionList(items=await service.list_mine(uow, user))


@router.get("/{interaction_id}", response_model=InteractionOut)
async def get_interaction(interaction_id: int, user: CurrentUser, uow: Uow) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id)
    return await service.interaction_out(uow, interaction)


@router.get("/{interaction_id}/messages", response_model=MessagePage)
async def list_messages(
    interaction_id: int,
    user: CurrentUser,
    uow: Uow,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MessagePage:
    interaction = await service.access_interaction(uow, user, interaction_id)
    items, has_more = await service.list_messages(uow, interaction, before=before, limit=limit)
    return MessagePage(items=items, has_more=has_more)


@router.post("/{interaction_id}/messages", response_model=MessageOut, status_code=201)
async def send_message(
    interaction_id: int, body: SendMessageIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> MessageOut:
    interaction = await service.access_interaction(uow, user, interaction_id)
    message = await service.send_text(
        uow,
        runtime.clock,
        user,
        interaction,
        text=body.text,
        client_id=body.client_id,
        reply_to=body.reply_to,
    )
    out = await service.message_out(uow, message)
    uow.on_commit(lambda: runtime.wake("outbox"))
    await uow.commit()
    return out


async def _act(
    interaction_id: int, user: CurrentUser, uow: Uow, runtime: RuntimeDep, action: str
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id)
    if action == "accept":
        await service.accept_offer(uow, runtime.clock, user, interaction)
    elif action == "reject":
        await service.reject_offer(uow, runtime.clock, user, interaction)
        uow.on_commit(lambda: runtime.wake("routing"))
    elif action == "read":
        await service.mark_read(uow, interaction)
        uow.on_commit(lambda: runtime.wake("outbox"))
    out = await service.interaction_out(uow, interaction)
    await uow.commit()
    return out


@router.post("/{interaction_id}/accept", response_model=InteractionOut)
async def accept(
    interaction_id: int, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    return await _act(interaction_id, user, uow, runtime, "accept")


@router.post("/{interaction_id}/reject", response_model=InteractionOut)
async def reject(
    interaction_id: int, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    return await _act(interaction_id, user, uow, runtime, "reject")


@router.post("/{interaction_id}/read", response_model=InteractionOut)
async def read(
    interaction_id: int, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    return await _act(interaction_id, user, uow, runtime, "read")


@router.post("/{interaction_id}/done", response_model=InteractionOut)
async def done(
    interaction_id: int, body: DoneIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id)
    await service.mark_done(
        uow, runtime.clock, user, interaction, disposition=body.disposition, note=body.note
    )
    out = await service.interaction_out(uow, interaction)
    uow.on_commit(lambda: runtime.wake("routing"))
    await uow.commit()
    return out
