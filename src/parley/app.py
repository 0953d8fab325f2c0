"""create_app(settings): builds engine, bus, hub, gateway, clock and workers; none at import."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley.auth.views import router as auth_router
from parley.clock import Clock, SystemClock
from parley.db.engine import build_engine, build_reader_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.errors import ParleyError
from parley.ingest.health import export_health, ingest_health
from parley.ingest.views import router as ingest_router
from parley.ingest.worker import IngestWorker
from parley.interactions.views import router as interactions_router
from parley.metrics import Metrics
from parley.outbox.worker import OutboxWorker
from parley.realtime.bus import Bus, build_bus
from parley.realtime.hub import Hub
from parley.realtime.views import router as events_router
from parley.routing.worker import RoutingWorker
from parley.runtime import Runtime
from parley.settings import Settings
from parley.whatsapp.graph import GraphClient, WhatsAppGateway
from parley.whatsapp.webhook import WebhookLog, webhook_router

log = logging.getLogger("parley.app")
WEB = Path(__file__).parent / "web"


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    bus: Bus | None = None,
    graph_http: httpx.AsyncClient | None = None,
    migrate: bool = True,
    workers: bool = True,
) -> FastAPI:
    clock = clock or SystemClock()
    engine = build_engine(settings)
    reader = build_reader_engine(settings, engine)
    metrics = Metrics()
    hub = Hub()
    hub.on_change = metrics.connected_agents.set
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=build_sessionmaker(engine),
        reader_sessionmaker=build_sessionmaker(reader) if reader is not engine else None,
        bus=bus or build_bus(settings.redis_url),
        hub=hub,
        clock=clock,
        metrics=metrics,
        write_gate=asyncio.Lock() if settings.is_sqlite else None,
    )
    http = graph_http or httpx.AsyncClient(timeout=settings.whatsapp_timeout_seconds)
    gateway: WhatsAppGateway = GraphClient.from_settings(settings, http)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await upgrade(engine)
        await runtime.bus.start(hub.deliver)
        if workers:
            _start_workers(runtime, gateway)
        log.info("parley.started", extra={"database": engine.url.get_backend_name()})
        try:
            yield
        finally:
            for worker in runtime.workers.values():
                await worker.stop()
            await runtime.bus.stop()
            if graph_http is None:
                await http.aclose()
            await engine.dispose()
            await reader.dispose()

    app = FastAPI(title="Parley", version="0.1.0", lifespan=lifespan, docs_url="/api/docs")
    app.state.runtime = runtime
    store = WebhookLog(
        engine, clock, on_stored=lambda: runtime.wake("ingest"), gate=runtime.write_gate
    )
    app.include_router(webhook_router(settings, store, metrics))
    app.include_router(auth_router)
    app.include_router(interactions_router)
    app.include_router(events_router)
    app.include_router(ingest_router)
    _add_operational_routes(app, runtime)
    _add_error_handlers(app)
    _mount_desktop(app)
    return app


def _start_workers(runtime: Runtime, gateway: WhatsAppGateway) -> None:
    settings = runtime.settings
    runtime.workers = {
        "ingest": IngestWorker(
            runtime.uow, runtime.clock, runtime.metrics, on_ingested=lambda: runtime.wake("routing")
        ),
        "routing": RoutingWorker(
            runtime.uow,
            runtime.clock,
            default_capacity=settings.agent_capacity,
            auto_accept=settings.auto_accept,
            offer_timeout_seconds=settings.offer_timeout_seconds,
        ),
        "outbox": OutboxWorker(
            runtime.uow, runtime.clock, gateway, runtime.metrics, settings.whatsapp_send_rate
        ),
    }
    for worker in runtime.workers.values():
        worker.start()


def _add_operational_routes(app: FastAPI, runtime: Runtime) -> None:
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz() -> Response:
        checks = {"database": False, "bus": await runtime.bus.ping()}
        try:
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception:
            log.warning("readyz.database_unreachable", exc_info=True)
        ok = all(checks.values())
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics() -> Response:
        try:
            async with runtime.reader() as uow:
                health = await ingest_health(uow)
            export_health(runtime.metrics, health, runtime.clock.now())
        except Exception:  # the node's own metrics are still worth serving
            log.warning("metrics.ingest_health_failed", exc_info=True)
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/api/v1/config", tags=["operations"])
    async def config() -> dict[str, object]:
        settings = runtime.settings
        return {
            "pending_response_thresholds": list(settings.pending_response_thresholds),
            "agent_capacity": settings.agent_capacity,
            "auto_accept": settings.auto_accept,
            "offer_timeout_seconds": settings.offer_timeout_seconds,
            "text_limit": 4096,
            "dispositions": list(settings.dispositions),
            "disposition_required": settings.disposition_required,
            "not_ready_reasons": list(settings.not_ready_reasons),
            "send_read_receipts": settings.send_read_receipts,
            # Meta's typing indicator marks the message read: it needs read receipts on.
            "send_typing_indicator": settings.send_typing_indicator and settings.send_read_receipts,
        }


def _error(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


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


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ParleyError)
    async def parley_error(_request: Request, exc: ParleyError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        first = fields[0] if fields else {"field": "body", "message": "invalid"}
        message = f"{first['field']}: {first['message']}"
        return _error(422, "validation_error", message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated"}
        return _error(exc.status_code, codes.get(exc.status_code, "error"), str(exc.detail))

    # An id beyond what the column holds names nothing that exists, and a NUL character is
    # text no column takes: the caller's mistake, refused before anything was written (the
    # transaction rolls back).
    @app.exception_handler(OverflowError)
    @app.exception_handler(DBAPIError)
    async def unstorable(_request: Request, exc: Exception) -> JSONResponse:
        if not _unstorable(exc):
            log.error("request.failed", exc_info=exc)
            return _error(500, "internal_error", "Something went wrong on our side.")
        log.warning("request.value_unstorable", extra={"error": str(exc)[:200]})
        message = "A value in the request cannot be stored (a number out of range or a NUL)."
        return _error(422, "validation_error", message)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("request.failed")
        return _error(500, "internal_error", "Something went wrong on our side.")


def _mount_desktop(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    if WEB.is_dir():
        app.mount("/", StaticFiles(directory=WEB), name="desktop")
