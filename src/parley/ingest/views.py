"""Thin routes for /ingest: the health of the stored webhook log, for supervisors and admins."""

from __future__ import annotations

from fastapi import APIRouter

from parley.db.uow import SUPERVISORS
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.errors import Forbidden
from parley.ingest.health import ingest_health
from parley.ingest.schemas import IngestHealthOut

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"])


@router.get("/health", response_model=IngestHealthOut)
async def health(user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> IngestHealthOut:
    if user.role not in SUPERVISORS:
        raise Forbidden("Only supervisors and admins see the ingest health.")
    return IngestHealthOut.of(await ingest_health(uow), runtime.clock.now())
