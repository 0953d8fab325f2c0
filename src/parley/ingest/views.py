"""Thin routes for /ingest: the health of the stored webhook log (supervisors and admins) and
replaying stored webhooks (admins)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter

from parley.db.uow import UnitOfWork
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.domain.roles import watches_the_floor
from parley.errors import Forbidden
from parley.ingest.health import ingest_health
from parley.ingest.replay import requeue_webhooks, webhooks_to_replay
from parley.ingest.schemas import IngestHealthOut, ReplayIn, ReplayOut
from parley.runtime import Runtime
from parley.workers.wake import Wake

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"])


@router.get("/health", response_model=IngestHealthOut)
async def health(user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> IngestHealthOut:
    if not watches_the_floor(user.role):
        raise Forbidden("Only supervisors and admins see the ingest health.")
    async with _log(runtime, uow) as log:
        found = await ingest_health(log)
    return IngestHealthOut.of(found, runtime.clock.now())


@router.post("/replay", response_model=ReplayOut, status_code=202)
async def replay(body: ReplayIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> ReplayOut:
    """Queue stored webhooks to be processed again by the running nodes (idempotent)."""
    if user.role != "admin":
        raise Forbidden("Only admins replay webhooks.")
    async with _log(runtime, uow) as log:
        ids = await webhooks_to_replay(log, body.filter())
        await requeue_webhooks(log, ids)
        log.wake(Wake.INGEST)
        await log.commit()
    return ReplayOut(queued=len(ids))


@asynccontextmanager
async def _log(runtime: Runtime, uow: UnitOfWork) -> AsyncIterator[UnitOfWork]:
    """The webhook log's unit of work: the request's own where the log is a table of the
    database, one on the log's file otherwise."""
    if runtime.log_sessionmaker is None:
        yield uow
        return
    async with runtime.log_uow() as log:
        yield log
