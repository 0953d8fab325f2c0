"""Thin routes: approved templates, an on-demand sync, and sending a notification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from parley.audit.service import record_action
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.domain.roles import runs_the_system
from parley.errors import BadGateway, Conflict, Forbidden
from parley.fields import MAX_ID
from parley.interactions.service import access_interaction
from parley.messages.schemas import MessageOut
from parley.messages.transcript import message_out
from parley.templates import notifications, service
from parley.templates.schemas import NotificationIn, SyncOut, TemplateList
from parley.whatsapp.errors import GraphError, GraphTransportError

router = APIRouter(prefix="/api/v1", tags=["templates"])
InteractionId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/templates", response_model=TemplateList)
async def list_templates(user: CurrentUser, uow: Uow) -> TemplateList:
    """The approved templates, the only ones that can be sent."""
    return TemplateList(items=await service.list_approved(uow))


@router.post("/templates/sync", response_model=SyncOut)
async def sync_templates(user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> SyncOut:
    """Read every page of the business account's templates from the Cloud API now (admins)."""
    if not runs_the_system(user.role):
        raise Forbidden("Only admins sync the templates.")
    if runtime.gateway is None:
        raise Conflict("No WhatsApp connection is configured.", code="whatsapp_unavailable")
    try:
        async with uow.released():  # the Cloud API may take seconds: no writer waits for it
            listed = await runtime.gateway.list_templates()
    except (GraphError, GraphTransportError) as exc:
        raise BadGateway(f"The Cloud API did not list the templates: {exc}") from None
    out = await service.sync_templates(uow, listed, runtime.clock.now())
    record_action(
        uow.session,
        at=runtime.clock.now(),
        actor_id=user.id,
        action="template.synced",
        subject_type="template",
        subject_id="*",
        summary=f"{user.name} synced the templates from WhatsApp ({out.approved} approved)",
        detail=out.model_dump(),
    )
    await uow.commit()
    return out


@router.post(
    "/interactions/{interaction_id}/notifications", response_model=MessageOut, status_code=201
)
async def send_notification(
    interaction_id: InteractionId,
    body: NotificationIn,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
) -> MessageOut:
    """Send one approved template with exactly these parameters; allowed outside the window."""
    interaction = await access_interaction(uow, user, interaction_id, for_update=True)
    message = await notifications.send_notification(uow, runtime.clock, user, interaction, body)
    out = await message_out(uow, message)
    await uow.commit()
    return out
