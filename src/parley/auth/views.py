"""Thin routes for /auth and /me."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request, Response

from parley.audit.service import record_action
from parley.auth import service
from parley.auth.schemas import LoginIn, LoginOut, PasswordChangeIn, StatusIn, UserOut
from parley.codes.service import active_labels
from parley.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentAuth, CurrentUser, RuntimeDep, Uow
from parley.errors import NotAuthenticated, RateLimited

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post(
    "/auth/login", response_model=LoginOut, responses={429: {"description": "Too many failures"}}
)
async def login(
    body: LoginIn, request: Request, response: Response, uow: Uow, runtime: RuntimeDep
) -> LoginOut:
    settings = runtime.settings
    throttle, now = runtime.login_throttle, runtime.clock.now()
    address = request.client.host if request.client else ""
    wait = await throttle.wait_seconds(uow, body.username, address, now)
    if wait > 0:
        seconds = math.ceil(wait)
        raise RateLimited(
            f"Too many failed logins. Try again in {seconds} seconds.", retry_after=seconds
        )
    try:
        login = await service.log_in(
            uow,
            runtime.clock,
            username=body.username,
            password=body.password,
            max_age=settings.session_max_age_seconds,
        )
    except NotAuthenticated:
        await uow.rollback()
        await throttle.failed(uow, body.username, address, now)
        await uow.commit()  # counted on every node before the answer goes out
        raise
    await throttle.succeeded(uow, body.username)
    user = UserOut.of(login.user, settings.agent_capacity)
    await uow.commit()
    for name, value, http_only in (
        (SESSION_COOKIE, login.token, True),
        (CSRF_COOKIE, login.csrf_token, False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=settings.session_max_age_seconds,
            httponly=http_only,
            samesite="lax",
            secure=settings.cookie_secure,
            path="/",
        )
    return LoginOut(token=login.token, csrf_token=login.csrf_token, user=user)


@router.get("/me", response_model=UserOut)
async def me(user: CurrentUser, runtime: RuntimeDep) -> UserOut:
    return UserOut.of(user, runtime.settings.agent_capacity)


@router.put("/me/status", response_model=UserOut)
async def set_status(body: StatusIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep) -> UserOut:
    reasons = await active_labels(uow, "not_ready_reason")
    service.set_status(uow, runtime.clock, user, body.status, body.reason, reasons=reasons)
    service.announce(uow, user, runtime.settings.agent_capacity)
    out = UserOut.of(user, runtime.settings.agent_capacity)
    await uow.commit()
    return out


@router.put("/me/password", response_model=UserOut)
async def change_password(
    body: PasswordChangeIn, auth: CurrentAuth, uow: Uow, runtime: RuntimeDep
) -> UserOut:
    """Change one's own password (the current one, or the temporary one an admin set, must be
    given). This login stays; the user's other logins end."""
    user, token = auth
    await service.change_password(
        uow, runtime.clock, user, token, current=body.current_password, new=body.new_password
    )
    record_action(
        uow.session,
        at=runtime.clock.now(),
        actor_id=user.id,
        action="user.password_changed",
        subject_type="user",
        subject_id=user.id,
        summary=f"{user.name} changed their password",
    )
    out = UserOut.of(user, runtime.settings.agent_capacity)
    await uow.commit()
    return out
