"""Thin route for My History: `GET /api/v1/history`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from parley.deps import CurrentUser, Uow
from parley.fields import MAX_ID
from parley.history.schemas import HistoryFilter, HistoryPage
from parley.history.service import list_history

router = APIRouter(prefix="/api/v1/history", tags=["history"])
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("", response_model=HistoryPage)
async def my_history(
    user: CurrentUser,
    uow: Uow,
    agent_id: OptionalId = None,
    contact_id: OptionalId = None,
    disposition: Annotated[str | None, Query(max_length=100)] = None,
    state: Annotated[str | None, Query(max_length=10)] = None,
    since: date | None = None,
    until: date | None = None,
    before: OptionalId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HistoryPage:
    wanted = HistoryFilter(
        agent_id=agent_id,
        contact_id=contact_id,
        disposition=disposition,
        state=state,
        since=since,
        until=until,
        before=before,
        limit=limit,
    )
    return await list_history(uow, user, wanted)
