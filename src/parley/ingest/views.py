"""Thin routes for /ingest: the health of the stored webhook log (supervisors and admins) and
replaying stored webhooks (admins)."""

from __future__ import annotations

from fastapi import APIRouter

from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.domain.roles import watches_the_floor
from parley.errors import Forbidden
from parley.ingest.health import ingest_health
from parley.ingest.replay import requeue_webhooks, webhooks_to_replay
from parley.ingest.schemas import IngestHealthOut, ReplayIn, ReplayOut
from parley.workers.wake import Wake

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"])


@router.get("/health", response_model=IngestHealthOut)
async def health(user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> IngestHealthOut:
    if not watches_the_floor(user.role):
        raise Forbidden("Only supervisors and admins see the ingest health.")
    return IngestHealthOut.of(await ingest_health(uow), runtime.clock.now())


@router.post("/replay", response_model=ReplayOut, status_code=202)
async def replay(body: ReplayIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> ReplayOut:
    """Queue stored webhooks to be processed again by the running nodes (idempotent)."""
    if user.role != "admin":
        raise Forbidden("Only admins replay webhooks.")
    ids = await webhooks_to_replay(uow, body.filter())
    await requeue_webhooks(uow, ids)
    uow.wake(Wake.INGEST)
    await uow.commit()
    return ReplayOut(queued=len(ids))
