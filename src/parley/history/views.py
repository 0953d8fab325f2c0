"""Thin route for My History: `GET /api/v1/history`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from parley.contacts.search import search_contacts
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.fields import MAX_ID
from parley.history.schemas import HistoryFilter, HistoryPage
from parley.history.service import list_history

router = APIRouter(prefix="/api/v1/history", tags=["history"])
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
MATCHED_CONTACTS = 500  # a contact text filter narrows to at most this many contacts


@router.get("", response_model=HistoryPage)
async def my_history(
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=200)] = "",
    agent_id: OptionalId = None,
    contact_id: OptionalId = None,
    disposition: Annotated[str | None, Query(max_length=100)] = None,
    state: Annotated[str | None, Query(max_length=10)] = None,
    since: date | None = None,
    until: date | None = None,
    before: OptionalId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HistoryPage:
    contact_ids = None
    if q.strip():
        region = runtime.settings.default_country
        found = await search_contacts(
            uow, q.replace("\x00", ""), region=region, limit=MATCHED_CONTACTS
        )
        contact_ids = [c.id for c in found]
    wanted = HistoryFilter(
        agent_id=agent_id,
        contact_id=contact_id,
        contact_ids=contact_ids,
        disposition=disposition,
        state=state,
        since=since,
        until=until,
        before=before,
        limit=limit,
    )
    return await list_history(uow, user, wanted)
