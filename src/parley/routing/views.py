"""Thin routes for an agent's presence: leaving (log out)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from parley.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentAuth, RuntimeDep, Uow
from parley.routing.presence import log_out

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/logout", status_code=204)
async def logout(auth: CurrentAuth, response: Response, uow: Uow, runtime: RuntimeDep) -> None:
    user, token = auth
    await log_out(uow, runtime.clock, user, token, capacity=runtime.settings.agent_capacity)
    await uow.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
