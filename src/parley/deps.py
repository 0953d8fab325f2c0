"""Dependency aliases for views: the runtime, a unit of work, the authenticated user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request, WebSocket

from parley.auth.models import AuthToken, User
from parley.auth.service import authenticate
from parley.db.uow import UnitOfWork
from parley.errors import CsrfFailed, Forbidden, NotAuthenticated
from parley.fields import MAX_ID
from parley.runtime import Runtime

SESSION_COOKIE = "parley_session"
CSRF_COOKIE = "parley_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A resource id in a path: a positive integer the database can hold (larger → 422)."""


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_uow(request: Request, runtime: RuntimeDep) -> AsyncIterator[UnitOfWork]:
    # Safe methods change nothing (HTTP's own rule, which our views keep), so they read
    # without waiting for the single SQLite writer.
    unit = runtime.reader() if request.method in SAFE_METHODS else runtime.uow()
    async with unit as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(get_uow)]


def bearer_token(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


async def current_auth(request: Request, uow: Uow, runtime: RuntimeDep) -> tuple[User, AuthToken]:
    token = bearer_token(request.headers.get("authorization"))
    via_cookie = token is None
    if token is None:
        token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("Log in first.")
    user, auth = await authenticate(uow, runtime.clock, token)
    # The cookie rides along on cross-site requests; the header proves it is our page.
    unsafe = via_cookie and request.method not in SAFE_METHODS
    if unsafe and request.headers.get("x-csrf-token") != auth.csrf_token:
        raise CsrfFailed("Missing or wrong X-CSRF-Token header.")
    return user, auth


CurrentAuth = Annotated[tuple[User, AuthToken], Depends(current_auth)]


# What a user holding a temporary password may reach: who they are, and the change itself.
PASSWORD_CHANGE_PATHS = frozenset({("GET", "/api/v1/me"), ("PUT", "/api/v1/me/password")})


async def current_user(auth: CurrentAuth, request: Request) -> User:
    user = auth[0]
    if user.must_change_password and (request.method, request.url.path) not in (
        PASSWORD_CHANGE_PATHS
    ):
        raise Forbidden(
            "Choose your own password to start: the one you have is temporary.",
            code="password_change_required",
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def websocket_session(
    websocket: WebSocket, runtime: Runtime
) -> tuple[User, AuthToken] | None:
    """The socket's user and session (its token), detached, or None if it has none valid."""
    token = (
        websocket.query_params.get("token")
        or bearer_token(websocket.headers.get("authorization"))
        or websocket.cookies.get(SESSION_COOKIE)
    )
    if not token:
        return None
    async with runtime.reader() as uow:
        try:
            user, auth = await authenticate(uow, runtime.clock, token)
        except NotAuthenticated:
            return None
        if user.must_change_password:
            return None  # the stream opens once the temporary password is changed
        uow.session.expunge(user)
        uow.session.expunge(auth)
        return user, auth
