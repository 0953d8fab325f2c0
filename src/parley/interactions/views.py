"""Thin routes for /interactions: load with access checks, call one service, return a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from parley.codes.service import active_codes
from parley.deps import CurrentUser, PathId, RuntimeDep, Uow
from parley.fields import MAX_ID
from parley.interactions import (
    history,
    outbound,
    reactions,
    receipts,
    sending,
    service,
    transcript,
)
from parley.interactions.models import Interaction
from parley.interactions.schemas import (
    DoneIn,
    InteractionEventList,
    InteractionList,
    InteractionOut,
    MessagePage,
    SendMessageIn,
    TypingOut,
)
from parley.media import outbound as media_outbound
from parley.messages import transcript as message_transcript
from parley.messages.content import TextContent
from parley.messages.schemas import MessageOut, ReactionIn
from parley.runtime import Runtime

router = APIRouter(prefix="/api/v1/interactions", tags=["interactions"])
InteractionId = PathId
MessageId = PathId


def _receipts(runtime: Runtime) -> receipts.Receipts:
    settings = runtime.settings
    return receipts.Receipts(settings.send_read_receipts, settings.send_typing_indicator)


@router.get("", response_model=InteractionList)
async def list_interactions(user: CurrentUser, uow: Uow) -> InteractionList:
    return InteractionList(items=await service.list_mine(uow, user))


@router.get("/{interaction_id}", response_model=InteractionOut)
async def get_interaction(
    interaction_id: InteractionId, user: CurrentUser, uow: Uow
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id)
    return await service.interaction_out(uow, interaction)


@router.get("/{interaction_id}/events", response_model=InteractionEventList)
async def list_events(
    interaction_id: InteractionId, user: CurrentUser, uow: Uow
) -> InteractionEventList:
    interaction = await service.access_interaction(uow, user, interaction_id)
    return InteractionEventList(items=await history.list_events(uow, interaction))


@router.get("/{interaction_id}/messages", response_model=MessagePage)
async def list_messages(
    interaction_id: InteractionId,
    user: CurrentUser,
    uow: Uow,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MessagePage:
    interaction = await service.access_interaction(uow, user, interaction_id)
    items, has_more = await message_transcript.list_messages(
        uow, interaction.contact_id, before=before, after=after, limit=limit
    )
    past = await transcript.past_interactions(uow, interaction, items)
    return MessagePage(items=items, has_more=has_more, interactions=past)


@router.post("/{interaction_id}/messages", response_model=MessageOut, status_code=201)
async def send_message(
    interaction_id: InteractionId,
    body: SendMessageIn,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
) -> MessageOut:
    """The first message of the send; with attachments the others follow as message.created."""
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    if body.attachment_ids:
        message, *_ = await media_outbound.send_with_attachments(
            uow,
            runtime.clock,
            user,
            interaction,
            text=body.text,
            attachment_ids=body.attachment_ids,
            client_id=body.client_id,
            reply_to=body.reply_to,
            as_caption=body.caption,
            composed_at=body.composed_at,
        )
    else:
        assert body.text is not None  # the schema requires text or attachments
        message = await sending.send_message(
            uow,
            runtime.clock,
            user,
            interaction,
            TextContent(body=body.text),
            client_id=body.client_id,
            reply_to=body.reply_to,
            composed_at=body.composed_at,
        )
    out = await message_transcript.message_out(uow, message)
    await uow.commit()
    return out


@router.put("/{interaction_id}/messages/{message_id}/reaction", response_model=MessageOut)
async def react(
    interaction_id: InteractionId,
    message_id: MessageId,
    body: ReactionIn,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
) -> MessageOut:
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    target = await reactions.react_to_message(
        uow, runtime.clock, user, interaction, message_id, body.emoji
    )
    out = await message_transcript.message_out(uow, target)
    await uow.commit()
    return out


@router.post("/{interaction_id}/accept", response_model=InteractionOut)
async def accept(
    interaction_id: InteractionId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    await service.accept_offer(uow, runtime.clock, user, interaction)
    return await _committed(uow, interaction)


@router.post("/{interaction_id}/reject", response_model=InteractionOut)
async def reject(
    interaction_id: InteractionId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    await service.reject_offer(uow, runtime.clock, user, interaction)
    return await _committed(uow, interaction)


@router.post("/{interaction_id}/read", response_model=InteractionOut)
async def read(
    interaction_id: InteractionId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    await receipts.mark_read(uow, runtime.clock, user, interaction, _receipts(runtime))
    return await _committed(uow, interaction)


async def _committed(uow: Uow, interaction: Interaction) -> InteractionOut:
    out = await service.interaction_out(uow, interaction)
    await uow.commit()
    return out


@router.post("/{interaction_id}/typing", response_model=TypingOut)
async def typing(
    interaction_id: InteractionId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> TypingOut:
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    out = await receipts.send_typing(uow, runtime.clock, user, interaction, _receipts(runtime))
    await uow.commit()
    return out


@router.post("/{interaction_id}/done", response_model=InteractionOut)
async def done(
    interaction_id: InteractionId,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    # Both fields are optional, so no body at all is a Mark Done without either.
    body: Annotated[DoneIn | None, Body()] = None,
) -> InteractionOut:
    body = body or DoneIn()
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    settings = runtime.settings
    await service.mark_done(
        uow,
        runtime.clock,
        user,
        interaction,
        disposition=body.disposition,
        note=body.note,
        dispositions=await active_codes(uow, "disposition"),
        disposition_required=settings.disposition_required,
    )
    return await _committed(uow, interaction)


@router.post("/{interaction_id}/sessions", response_model=InteractionOut, status_code=201)
async def create_session(
    interaction_id: InteractionId,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    body: Annotated[dict[str, object] | None, Body()] = None,
) -> InteractionOut:
    interaction = await service.access_interaction(uow, user, interaction_id, for_update=True)
    await outbound.new_session(uow, runtime.clock, user, interaction)
    return await _committed(uow, interaction)
