"""Thin routes for /ingest: the health of the stored webhook log (supervisors and admins) and
replaying stored webhooks (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import AwareDatetime, BeforeValidator, StrictBool
from pydantic_core import PydanticCustomError

from parley.db.uow import SUPERVISORS
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.errors import Forbidden
from parley.ingest.health import ingest_health
from parley.ingest.replay import requeue_webhooks, webhooks_to_replay
from parley.ingest.schemas import IngestHealthOut, ReplayIn, ReplayOut

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"])


def _iso_time(value: object) -> object:
    """Only ISO 8601 text: pydantic alone would also take a number (or a string of digits)
    as Unix seconds, so `{"since": 0}` would quietly mean 1970."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("iso_time", "Input should be an ISO 8601 time with a zone")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "iso_time", "Input should be an ISO 8601 time with a zone"
        ) from None


IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_time)]


class ReplayRequest(ReplayIn):
    """ReplayIn, strict: JSON booleans only (not "yes" or 1) and times as ISO 8601 text with
    their zone. Unknown fields are refused (ReplayIn forbids extras)."""

    failed_only: StrictBool = False
    since: IsoTime | None = None
    until: IsoTime | None = None


@router.get("/health", response_model=IngestHealthOut)
async def health(user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> IngestHealthOut:
    if user.role not in SUPERVISORS:
        raise Forbidden("Only supervisors and admins see the ingest health.")
    return IngestHealthOut.of(await ingest_health(uow), runtime.clock.now())


@router.post("/replay", response_model=ReplayOut, status_code=202)
async def replay(
    body: ReplayRequest, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> ReplayOut:
    """Queue stored webhooks to be processed again by the running nodes (idempotent)."""
    if user.role != "admin":
        raise Forbidden("Only admins replay webhooks.")
    ids = await webhooks_to_replay(uow, body.filter())
    await requeue_webhooks(uow, ids)
    uow.on_commit(lambda: runtime.wake("ingest"))
    await uow.commit()
    return ReplayOut(queued=len(ids))
