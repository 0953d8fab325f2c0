"""Thin routes for /account: what Meta said about the WhatsApp account (admins, supervisors)."""

from __future__ import annotations

from fastapi import APIRouter

from parley.account.schemas import AccountAlertOut, AccountAlertsOut
from parley.account.service import recent_alerts
from parley.deps import CurrentUser, Uow
from parley.domain.roles import watches_the_floor
from parley.errors import Forbidden

router = APIRouter(prefix="/api/v1/account", tags=["account"])


@router.get("/alerts", response_model=AccountAlertsOut)
async def alerts(user: CurrentUser, uow: Uow) -> AccountAlertsOut:
    if not watches_the_floor(user.role):
        raise Forbidden("Only supervisors and admins see the account's alerts.")
    items = [AccountAlertOut.of(a) for a in await recent_alerts(uow)]
    banner = items[0] if items and items[0].severe else None
    return AccountAlertsOut(items=items, banner=banner)
