"""Thin routes for /contacts: the Contact Directory (search, view, edit, history, merge) and
"Create new chat"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from parley.contacts import search, service
from parley.contacts.schemas import ContactDetail, ContactList, ContactPatch, MergeIn, MergeOut
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.fields import MAX_ID
from parley.history.schemas import HistoryFilter, HistoryPage
from parley.history.service import list_history
from parley.interactions import outbound
from parley.interactions.schemas import InteractionOut, MessagePage
from parley.interactions.service import interaction_out
from parley.messages import transcript

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("", response_model=ContactList)
async def search_contacts(
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ContactList:
    region = runtime.settings.default_country
    query = q.replace("\x00", "")
    found = await search.search_contacts(uow, query, region=region, limit=limit + 1)
    items = [ContactDetail.of(c) for c in found[:limit]]
    return ContactList(items=items, has_more=len(found) > limit)


@router.get("/{contact_id}", response_model=ContactDetail)
async def get_contact(contact_id: ContactId, user: CurrentUser, uow: Uow) -> ContactDetail:
    return ContactDetail.of(await service.access_contact(uow, contact_id))


@router.patch("/{contact_id}", response_model=ContactDetail)
async def edit_contact(
    contact_id: ContactId, body: ContactPatch, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> ContactDetail:
    contact = await service.access_contact(uow, contact_id, for_update=True)
    service.update_contact(
        contact, body, runtime.clock.now(), allowed_fields=runtime.settings.contact_fields
    )
    await uow.session.flush()
    out = ContactDetail.of(contact)
    await uow.commit()
    return out


@router.get("/{contact_id}/history", response_model=HistoryPage)
async def contact_history(
    contact_id: ContactId,
    user: CurrentUser,
    uow: Uow,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HistoryPage:
    await service.access_contact(uow, contact_id)
    wanted = HistoryFilter(contact_id=contact_id, before=before, limit=limit)
    return await list_history(uow, user, wanted, everyone=True)


@router.get("/{contact_id}/messages", response_model=MessagePage)
async def contact_messages(
    contact_id: ContactId,
    user: CurrentUser,
    uow: Uow,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    interaction_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> MessagePage:
    await service.access_contact(uow, contact_id)
    items, has_more = await transcript.list_messages(
        uow, contact_id, before=before, after=after, limit=limit, interaction_id=interaction_id
    )
    return MessagePage(items=items, has_more=has_more)


@router.post("/{contact_id}/merge", response_model=MergeOut)
async def merge_contact(
    contact_id: ContactId, body: MergeIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> MergeOut:
    kept = await service.access_contact(uow, contact_id, for_update=True)
    other = await service.access_contact(uow, body.merge_id, for_update=True)
    merged_id = other.id
    moved = await service.merge_contacts(uow, user, kept, other, runtime.clock.now())
    out = MergeOut(contact=ContactDetail.of(kept), merged_id=merged_id, moved=moved)
    await uow.commit()
    return out


@router.post("/{contact_id}/chats", response_model=InteractionOut, status_code=201)
async def create_chat(
    contact_id: ContactId,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    body: Annotated[dict[str, object] | None, Body()] = None,
) -> InteractionOut:
    contact = await service.access_contact(uow, contact_id, for_update=True)
    interaction = await outbound.start_chat(
        uow, runtime.clock, user, contact, capacity=runtime.settings.agent_capacity
    )
    out = await interaction_out(uow, interaction)
    await uow.commit()
    return out
