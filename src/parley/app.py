"""create_app(settings): builds engine, bus, hub, gateway, clock and workers; none at import."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.routing import Match, Mount
from starlette.types import Receive, Scope, Send

from parley import heap
from parley.account.views import router as account_router
from parley.audit.views import router as audit_router
from parley.auth.views import router as auth_router
from parley.clock import Clock, SystemClock
from parley.codes.seed import seed_code_lists
from parley.codes.service import active_labels
from parley.codes.views import router as codes_router
from parley.contacts.views import router as contacts_router
from parley.db.engine import build_engine, build_reader_engine, build_sessionmaker
from parley.db.gate import WriteGate
from parley.db.migrate import upgrade
from parley.floor.gauges import export_floor
from parley.floor.reports import router as reports_router
from parley.floor.views import router as floor_router
from parley.history.views import router as history_router
from parley.http_edge import ApiBodyLimit, ApiNosniff, add_error_handlers, is_api
from parley.ingest.health import export_health, ingest_health
from parley.ingest.log import LogFileWriter, log_engine, log_file, log_gate, prepare_log
from parley.ingest.process import ChildLoop, IngestProcess
from parley.ingest.views import router as ingest_router
from parley.ingest.worker import IngestWorker
from parley.interactions.views import router as interactions_router
from parley.media.sender import MediaSender
from parley.media.storage import Storage, open_storage
from parley.media.sweeper import UploadSweeper
from parley.media.views import UPLOAD_PATH
from parley.media.views import router as media_router
from parley.media.worker import MediaFetcher, url_hosts
from parley.metrics import Metrics
from parley.outbox.ratelimit import RateLimiter, build_rate_limiter
from parley.outbox.worker import OutboxWorker
from parley.realtime.bus import Bus, RedisBus, build_bus
from parley.realtime.hub import Hub
from parley.realtime.views import router as events_router
from parley.responses.views import router as responses_router
from parley.routing.timers import Timeouts, TimersWorker
from parley.routing.views import router as presence_router
from parley.routing.worker import RoutingWorker
from parley.runtime import Runtime
from parley.settings import Settings
from parley.teams.views import router as teams_router
from parley.templates.views import router as templates_router
from parley.templates.worker import TemplateSyncWorker
from parley.users.views import router as users_router
from parley.whatsapp.graph import GraphClient, WhatsAppGateway
from parley.whatsapp.webhook import PATH as WEBHOOK_PATH
from parley.whatsapp.webhook import WebhookEndpoint, WebhookLog, engine_append
from parley.workbins.views import router as workbins_router
from parley.workers.base import Worker
from parley.workers.wake import Wake

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
    storage: Storage | None = None,
    ingest_process: bool = False,
) -> FastAPI:
    """`ingest_process`: ingest runs in a worker process of its own, started and supervised by
    this node (`parley serve` and `parley demo`), instead of on this event loop."""
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
        write_gate=WriteGate.for_url(settings.resolved_database_url)
        if settings.is_sqlite
        else None,
    )
    # The business number's send rate: shared through Redis by every node when configured.
    send_rate = build_rate_limiter(
        settings.redis_url, settings.whatsapp_phone_number_id, settings.whatsapp_send_rate
    )
    http = graph_http or httpx.AsyncClient(timeout=settings.whatsapp_timeout_seconds)
    gateway: WhatsAppGateway = GraphClient.from_settings(settings, http)
    runtime.gateway = gateway
    files: Storage = storage or open_storage(settings)
    # With ingest in its own process, the webhook log has a SQLite file of its own.
    webhooks = log_engine(settings) if ingest_process else None
    if webhooks is not None:
        runtime.log_sessionmaker = build_sessionmaker(webhooks)
        runtime.log_gate = log_gate(settings)
    log_writer = LogFileWriter(path) if (path := log_file(settings)) and webhooks else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await upgrade(engine)
        await seed_code_lists(runtime.uow, runtime.clock, settings)
        if webhooks is not None:
            await prepare_log(webhooks, engine)
        if isinstance(runtime.bus, RedisBus):
            runtime.bus.on_recovered = hub.restart_all
        await runtime.bus.start(runtime.deliver)
        if workers:
            _start_workers(runtime, gateway, send_rate, files, ingest_process=ingest_process)
        heap.settle()  # what started lives as long as the node: out of the collector's walk
        log.info("parley.started", extra={"database": engine.url.get_backend_name()})
        try:
            yield
        finally:
            # Together: each finishes its round (the ingest process its batch) at the same time.
            await asyncio.gather(*(worker.stop() for worker in runtime.workers.values()))
            await runtime.bus.stop()
            await send_rate.close()
            if storage is None:
                await files.close()
            if graph_http is None:
                await http.aclose()
            await engine.dispose()
            await reader.dispose()
            if webhooks is not None:
                await webhooks.dispose()
            if log_writer is not None:
                await log_writer.close()

    app = ParleyApp(title="Parley", version="0.1.0", lifespan=lifespan, docs_url="/api/docs")
    # Uploads stream to storage: their cap is the file's, plus room for the multipart framing.
    upload_cap = settings.attachment_max_bytes + 64 * 1024
    app.add_middleware(
        ApiBodyLimit, limit=settings.api_max_body_bytes, overrides={UPLOAD_PATH: upload_cap}
    )
    app.add_middleware(ApiNosniff)  # the outermost: the body limit's own 413 gets it too
    app.state.runtime = runtime
    app.state.storage = files
    append = log_writer.append if log_writer else engine_append(engine, runtime.write_gate)
    store = WebhookLog(append, clock, on_stored=lambda: runtime.wake(Wake.INGEST))
    app.webhook = WebhookEndpoint(settings, store, metrics)
    app.include_router(auth_router)
    app.include_router(presence_router)
    app.include_router(workbins_router)
    app.include_router(interactions_router)
    app.include_router(media_router)
    app.include_router(responses_router)
    app.include_router(templates_router)
    app.include_router(events_router)
    app.include_router(ingest_router)
    app.include_router(account_router)
    app.include_router(contacts_router)
    app.include_router(history_router)
    app.include_router(floor_router)
    app.include_router(reports_router)
    app.include_router(codes_router)
    app.include_router(users_router)
    app.include_router(teams_router)
    app.include_router(audit_router)
    _add_operational_routes(app, runtime, files)
    add_error_handlers(app)
    _mount_desktop(app)
    return app


def _ingest(runtime: Runtime, *, in_process: bool) -> Worker:
    settings = runtime.settings
    if in_process:
        return IngestProcess(settings, runtime.metrics, runtime.bus.publish, runtime.wake_all)
    return IngestWorker(
        runtime.uow,
        runtime.clock,
        runtime.metrics,
        on_ingested=lambda: runtime.wake(Wake.ROUTING),
        phone_number_id=settings.whatsapp_phone_number_id,
        prefer_previous=settings.route_to_previous_agent,
    )


class ParleyApp(FastAPI):
    """FastAPI with Meta's webhook mounted beside it: a delivery goes straight to the plain
    ASGI endpoint, never through the API's middleware and router."""

    webhook: WebhookEndpoint | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.webhook is not None and scope["type"] == "http" and scope["path"] == WEBHOOK_PATH:
            await self.webhook(scope, receive, send)  # type: ignore[arg-type]
            return
        await super().__call__(scope, receive, send)


def _start_workers(
    runtime: Runtime,
    gateway: WhatsAppGateway,
    send_rate: RateLimiter,
    storage: Storage,
    *,
    ingest_process: bool,
) -> None:
    settings = runtime.settings
    ingest = _ingest(runtime, in_process=ingest_process)
    media: Worker = MediaFetcher(
        runtime.uow,
        runtime.clock,
        gateway,
        storage,
        attempts=settings.media_fetch_attempts,
        url_hosts=url_hosts(settings.whatsapp_api_base_url),
    )
    if isinstance(ingest, IngestProcess):
        media = ChildLoop(ingest, Wake.MEDIA)  # fetched where ingest announces them
    runtime.workers = {
        Wake.INGEST: ingest,
        Wake.ROUTING: RoutingWorker.from_settings(runtime.uow, runtime.clock, settings),
        Wake.TIMERS: TimersWorker(
            runtime.uow,
            runtime.clock,
            runtime.hub.connected_users,
            Timeouts(
                disconnect_grace=settings.disconnect_grace_seconds,
                disconnect_park=settings.disconnect_park_seconds,
                session_idle=settings.session_timeout_seconds,
            ),
            capacity=settings.agent_capacity,
        ),
        Wake.OUTBOX: OutboxWorker(
            runtime.uow,
            runtime.clock,
            gateway,
            runtime.metrics,
            settings.whatsapp_send_rate,
            limiter=send_rate,
            media=MediaSender(storage),
            lease_seconds=settings.claim_lease_seconds,
            confirm_claims=not settings.is_sqlite,  # SQLite: one node, nobody to take over
        ),
        Wake.MEDIA: media,
        Wake.TEMPLATES: TemplateSyncWorker(
            runtime.uow, runtime.clock, gateway, settings.template_sync_seconds
        ),
    }
    if settings.unsent_upload_max_age_seconds:
        runtime.workers[Wake.UPLOADS] = UploadSweeper(
            runtime.uow,
            runtime.clock,
            storage,
            max_age_seconds=settings.unsent_upload_max_age_seconds,
        )
    for worker in runtime.workers.values():
        worker.start()


def _add_operational_routes(app: FastAPI, runtime: Runtime, storage: Storage) -> None:
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz() -> Response:
        checks: dict[str, bool] = {"database": False}
        problems: list[str] = []
        try:
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception:
            log.warning("readyz.database_unreachable", exc_info=True)
            problems.append("The database does not answer.")
        bus_ok = await runtime.bus.ping()
        checks["redis" if runtime.bus.shared else "bus"] = bus_ok
        if not bus_ok and runtime.bus.shared:
            log.error("readyz.redis_unreachable")
            problems.append(
                "Redis does not answer: events and wake-ups do not reach the other nodes "
                "(this node keeps serving; desktops catch up when it is back)."
            )
        checks["storage"] = await storage.ping()
        if not checks["storage"]:
            log.error("readyz.storage_unreachable")
            problems.append("The file storage does not answer: attachments cannot be stored.")
        ok = all(checks.values())
        body: dict[str, object] = {"status": "ok" if ok else "unavailable", "checks": checks}
        if problems:
            body["problems"] = problems
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics() -> Response:
        # The webhook log may live in a file of its own; the floor is always in the database.
        try:
            reading = runtime.reader() if runtime.log_sessionmaker is None else runtime.log_uow()
            async with reading as uow:
                health = await ingest_health(uow)
            export_health(runtime.metrics, health, runtime.clock.now())
        except Exception:  # the node's own metrics are still worth serving
            log.warning("metrics.ingest_health_failed", exc_info=True)
        try:
            async with runtime.reader() as uow:
                await export_floor(uow, runtime.metrics, runtime.clock.now())
        except Exception:
            log.warning("metrics.floor_failed", exc_info=True)
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/api/v1/config", tags=["operations"])
    async def config() -> dict[str, object]:
        settings = runtime.settings
        async with runtime.reader() as uow:  # the admins' lists (Dispositions, Not Ready reasons)
            dispositions = await active_labels(uow, "disposition")
            reasons = await active_labels(uow, "not_ready_reason")
        return {
            "pending_response_thresholds": list(settings.pending_response_thresholds),
            "agent_capacity": settings.agent_capacity,
            "auto_accept": settings.auto_accept,
            "offer_timeout_seconds": settings.offer_timeout_seconds,
            "text_limit": 4096,
            "dispositions": list(dispositions),
            "disposition_required": settings.disposition_required,
            "not_ready_reasons": list(reasons),
            "service_level_seconds": settings.service_level_seconds,
            "contact_fields": list(settings.contact_fields),
            "send_read_receipts": settings.send_read_receipts,
            # Meta's typing indicator marks the message read: it needs read receipts on.
            "send_typing_indicator": settings.send_typing_indicator and settings.send_read_receipts,
            "attachments": settings.attachment_policy.as_config(),
        }


class _DesktopMount(Mount):
    """The desktop's static files at `/`, for every path but the API's: a mount matching
    `/api/...` would answer an unknown API path with 405 (StaticFiles takes only GET) and a
    known one asked with the wrong method with 404, hiding the router's own answers."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if is_api(scope.get("path", "")):
            return Match.NONE, {}
        return super().matches(scope)


def _mount_desktop(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    if WEB.is_dir():
        app.router.routes.append(_DesktopMount("/", app=StaticFiles(directory=WEB), name="desktop"))
