"""Where HTTP meets Parley: every error in DESIGN.md's shape, and the API's request body cap.

`add_error_handlers` maps domain errors, validation errors, HTTP errors and the unexpected to
`{"error": {"code", "message", "fields"?}}`; `ApiBodyLimit` refuses oversized API bodies before
they are read; `ApiNosniff` marks every API answer `nosniff`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.db.gate import GateTimeout, is_busy
from parley.errors import ParleyError

log = logging.getLogger("parley.app")


def _error(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, **extra}}
    return JSONResponse(body, status_code=status, headers=headers)


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


_TOO_LARGE = "The request body is larger than allowed."


class _BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` once a streamed body passes the cap: FastAPI lets HTTPExceptions
    from body reading through, so the error handler answers 413 like any other error."""

    def __init__(self) -> None:
        super().__init__(413, _TOO_LARGE)


class ApiBodyLimit:
    """Refuses API request bodies over `limit` bytes with 413 `too_large`, never holding more
    than `limit` of them: a declared Content-Length over the cap is refused before anything is
    read, and a chunked body is counted as it streams in. Webhooks keep their own cap, and
    paths in `overrides` (file uploads, streamed to storage) theirs."""

    def __init__(
        self, app: ASGIApp, limit: int, overrides: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.overrides = dict(overrides or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get(scope["path"].rstrip("/"), self.limit)
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _error(413, "too_large", _TOO_LARGE)(scope, receive, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge()
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _BodyTooLarge:
            # Only reached when something between here and the handlers let it escape.
            if started:
                raise
            await _error(413, "too_large", _TOO_LARGE)(scope, receive, send)


_NOSNIFF = (b"x-content-type-options", b"nosniff")


class ApiNosniff:
    """Every API answer (JSON, errors, files) carries `X-Content-Type-Options: nosniff`, so
    no browser reads an answer as another type than the one it declares."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def marking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == _NOSNIFF[0] for name, _ in headers):
                    headers.append(_NOSNIFF)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, marking_send)


# SQLSTATEs of values a column cannot hold: numeric out of range, NUL or unmappable characters.
_UNSTORABLE = frozenset({"22003", "22021", "22P05"})


def _unstorable(exc: BaseException) -> bool:
    """A bound value the database cannot hold: an integer past the column's range (SQLite and
    asyncpg both end in OverflowError) or text PostgreSQL refuses (a NUL character)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OverflowError) or getattr(cause, "sqlstate", None) in _UNSTORABLE:
            return True
        cause = cause.__cause__
    return False


def _field_message(error: Mapping[str, Any]) -> str:
    """Pydantic's message, except that a length limit on text counts characters: a constraint
    on an optional or wrapped str is checked generically and would speak of "items"."""
    if error["type"] in ("too_long", "too_short") and isinstance(error.get("input"), str):
        most = error["type"] == "too_long"
        limit = error.get("ctx", {}).get("max_length" if most else "min_length")
        bound = "at most" if most else "at least"
        return f"String should have {bound} {limit} character{'s' * (limit != 1)}"
    return str(error["msg"])


def _body_unreadable(request: Request) -> JSONResponse:
    content_type = request.headers.get("content-type", "application/json")
    if "json" in content_type:
        return _error(400, "bad_request", "The request body is not valid JSON.")
    return _error(400, "bad_request", "The request body could not be read.")


_HTTP_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}
_HTTP_CODES |= {405: "method_not_allowed", 413: "too_large"}
_HTTP_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
}
# What FastAPI says when the body cannot be decoded at all (invalid UTF-8, nesting too deep).
_UNPARSABLE = "There was an error parsing the body"


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this request's path, asked of the routes themselves
    (`matches` is the one interface every kind of route, nested routers too, answers)."""
    routes = request.app.router.routes
    allowed = []
    for method in _METHODS:
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] == Match.FULL for route in routes):
            allowed.append(method)
    return allowed


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ParleyError)
    async def parley_error(_request: Request, exc: ParleyError) -> JSONResponse:
        extra = {**(exc.extra or {}), **({"fields": exc.fields} if exc.fields else {})}
        retry = exc.retry_after
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return _error(exc.status, exc.code, exc.message, headers=headers, **extra)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e["type"] == "json_invalid" for e in errors):
            return _body_unreadable(request)
        fields = [
            {
                "field": ".".join(str(p) for p in e["loc"][1:]) or "body",
                "message": _field_message(e),
            }
            for e in errors
        ]
        first = fields[0] if fields else {"field": "body", "message": "invalid"}
        message = f"{first['field']}: {first['message']}"
        # A validator may give its error a precise code (PydanticCustomError's ctx `code`).
        coded = (e.get("ctx", {}).get("code") for e in errors)
        code = next((c for c in coded if isinstance(c, str)), "validation_error")
        return _error(422, code, message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNPARSABLE:
            return _body_unreadable(request)
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = str(exc.detail)
        better = _HTTP_MESSAGES.get(exc.status_code)
        if better and message == HTTPStatus(exc.status_code).phrase:  # Starlette's bare phrase
            message = better
        headers = exc.headers
        if exc.status_code == 405 and is_api(request.url.path):
            # Starlette's `Allow` names the methods of the first route on the path only.
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        return _error(exc.status_code, code, message, headers=headers)

    # An id beyond what the column holds names nothing that exists, and a NUL character is
    # text no column takes: the caller's mistake, refused before anything was written (the
    # transaction rolls back).
    @app.exception_handler(OverflowError)
    @app.exception_handler(DBAPIError)
    async def unstorable(request: Request, exc: Exception) -> JSONResponse:
        if is_busy(exc):  # locked by a process outside the gate (a `sqlite3` shell, a backup)
            return await database_busy(request, exc)
        if not _unstorable(exc):
            log.error("request.failed", exc_info=exc)
            return _error(500, "internal_error", "Something went wrong on our side.")
        log.warning("request.value_unstorable", extra={"error": str(exc)[:200]})
        message = "A value in the request cannot be stored (a number out of range or a NUL)."
        return _error(422, "validation_error", message)

    @app.exception_handler(GateTimeout)
    async def database_busy(_request: Request, exc: Exception) -> JSONResponse:
        log.error("request.database_busy", extra={"error": str(exc)})
        message = "The database is busy; try again in a moment."
        return _error(503, "database_busy", message, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("request.failed")
        return _error(500, "internal_error", "Something went wrong on our side.")
