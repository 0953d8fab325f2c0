"""The `/_sim` control API for tests, benchmarks and the phone page.

Errors use Parley's shape, `{"error": {"code", "message"}}`. The API is unauthenticated:
the simulator is a local development and test tool.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSON
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .config import OptionsPatch
from .media import INBOUND_MAX_BYTES, customer_kind, customer_refusal, store_media
from .service import Simulator, SimulatorError
from .views import customer_json, message_json
from .webhooks import DELIVERY_STATES

WA_ID = r"^[0-9]{5,15}$"
MAX_WAIT_SECONDS = 60.0
TEMPLATE_STATUSES = Literal[
    "APPROVED",
    "PENDING",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "IN_APPEAL",
    "PENDING_DELETION",
    "DELETED",
    "LIMIT_EXCEEDED",
    "ARCHIVED",
    "LOCKED",
    "FLAGGED",
    "REINSTATED",
    "UNARCHIVED",
]

Handler = Callable[[Request, Simulator], Awaitable[Response]]


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wa_id: str = Field(pattern=WA_ID)
    profile_name: str = Field(default="", max_length=100)


class FaultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[
        "graph_error",
        "delay",
        "timeout",
        "connection_reset",
        "expired_token",
        "webhook_failure",
        "webhook_timeout",
        "webhook_delay",
        "bad_signature",
        "duplicate_webhook",
        "late_sent",
        "reset",
    ]
    count: int = Field(default=1, ge=1, le=1_000_000)
    code: int | None = Field(default=None, ge=0)
    http_status: int | None = Field(default=None, ge=100, le=599)
    delay_seconds: float | None = Field(default=None, ge=0, le=3600)
    match: str | None = Field(default=None, max_length=200)


class TemplateStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: TEMPLATE_STATUSES
    language: str | None = None
    reason: str | None = "NONE"


class JSONResponse(StarletteJSON):
    """JSON with every non-ASCII character escaped: what customers typed may hold a lone UTF-16
    surrogate (a cut emoji, as real phones send), which UTF-8 cannot encode but JSON can."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def problem(code: str, message: str, status: int, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def control_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        sim: Simulator = request.app.state.simulator
        try:
            return await handler(request, sim)
        except SimulatorError as exc:
            return problem(exc.code, str(exc), exc.status)
        except ValidationError as exc:
            fields = [
                {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
                for err in exc.errors()
            ]
            return problem("validation_error", "The request body is not valid.", 422, fields=fields)

    return endpoint


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (UnicodeDecodeError, ValueError):
        raise SimulatorError("The request body is not valid JSON.") from None


def _wa_id(request: Request) -> str:
    wa_id = str(request.path_params["wa_id"])
    if not wa_id.isdigit() or not 5 <= len(wa_id) <= 15:
        raise SimulatorError("A wa_id is 5 to 15 digits, country code first, no '+'.")
    return wa_id


def _customer(sim: Simulator, request: Request) -> Any:
    wa_id = _wa_id(request)
    customer = sim.store.customer(wa_id)
    if customer is None:
        raise SimulatorError(f"Customer {wa_id} does not exist.", "not_found", 404)
    return customer


async def info(request: Request, sim: Simulator) -> Response:
    s = sim.settings
    return JSONResponse(
        {
            "business_name": sim.options.business_name,
            "display_phone_number": s.whatsapp_display_phone_number,
            "phone_number_id": s.whatsapp_phone_number_id,
            "business_account_id": s.whatsapp_business_account_id,
            "api_version": s.whatsapp_api_version,
            "webhook_url": sim.options.webhook_url,
            "version": sim.store.version,
        }
    )


async def list_customers(request: Request, sim: Simulator) -> Response:
    now = sim.clock()
    customers = sorted(sim.store.customers.values(), key=lambda c: c.created_at)
    return JSONResponse({"customers": [customer_json(c, now) for c in customers]})


async def add_customer(request: Request, sim: Simulator) -> Response:
    data = CustomerIn.model_validate(await _json(request))
    created = sim.store.customer(data.wa_id) is None
    customer = sim.add_customer(data.wa_id, data.profile_name)
    return JSONResponse(customer_json(customer, sim.clock()), status_code=201 if created else 200)


async def get_customer(request: Request, sim: Simulator) -> Response:
    return JSONResponse(customer_json(_customer(sim, request), sim.clock()))


async def customer_sends(request: Request, sim: Simulator) -> Response:
    wa_id = _wa_id(request)
    body = await _json(request)
    if not isinstance(body, dict):
        raise SimulatorError(
            "The body must be a webhook message object, e.g. "
            '{"type": "text", "text": {"body": "Hi"}}.'
        )
    name = body.get("profile_name")
    if name is not None and (not isinstance(name, str) or len(name) > 100):
        raise SimulatorError("'profile_name' must be a string of at most 100 characters.")
    message = sim.customer_sends(wa_id, body, name)
    return JSONResponse({"id": message.id}, status_code=201)


async def customer_messages(request: Request, sim: Simulator) -> Response:
    customer = _customer(sim, request)
    return JSONResponse(
        {
            "customer": customer_json(customer, sim.clock()),
            "messages": [message_json(m, sim.store) for m in customer.messages],
        }
    )


async def customer_reads(request: Request, sim: Simulator) -> Response:
    return JSONResponse({"read": sim.customer_reads(_wa_id(request))})


async def upload(request: Request, sim: Simulator) -> Response:
    try:
        async with request.form(max_files=1, max_fields=10) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise SimulatorError("Send the file as multipart field 'file'.")
            content = await file.read(INBOUND_MAX_BYTES + 1)
            mime = str(form.get("type") or file.content_type or "application/octet-stream")
            filename = file.filename
    except HTTPException as exc:
        raise SimulatorError(f"Malformed multipart body: {exc.detail}") from None
    if not content:
        raise SimulatorError("The file is empty.")
    if len(content) > INBOUND_MAX_BYTES:
        raise SimulatorError(
            "Files of 100 MB or more cannot be sent on WhatsApp.", "too_large", 413
        )
    refusal = customer_refusal(mime, len(content))
    if refusal is not None:
        raise SimulatorError(refusal, "too_large", 413)
    media = store_media(
        sim.store, sim.ids, sim.clock, content, mime, filename=filename, owner="customer"
    )
    return JSONResponse(
        {
            "id": media.id,
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "file_size": len(content),
            "kind": customer_kind(mime),
            "filename": filename,
        },
        status_code=201,
    )


async def media_content(request: Request, sim: Simulator) -> Response:
    media = sim.store.media.get(str(request.path_params["media_id"]))
    if media is None:
        raise SimulatorError("Media not found.", "not_found", 404)
    return Response(
        media.content,
        media_type=media.mime_type,
        headers={"Cache-Control": "private, max-age=3600"},
    )


async def faults(request: Request, sim: Simulator) -> Response:
    if request.method == "DELETE":
        sim.faults.clear()
    elif request.method == "POST":
        data = FaultIn.model_validate(await _json(request))
        if data.kind == "reset":
            sim.faults.clear()
        else:
            fault = sim.faults.add(
                data.kind,
                data.count,
                code=data.code,
                http_status=data.http_status,
                delay_seconds=data.delay_seconds,
                match=data.match,
            )
            return JSONResponse(fault.to_dict(), status_code=201)
    return JSONResponse({"faults": [f.to_dict() for f in sim.faults.active()]})


async def webhooks(request: Request, sim: Simulator) -> Response:
    query = request.query_params
    try:
        wait = min(float(query.get("wait", "0")), MAX_WAIT_SECONDS)
        limit = int(query.get("limit", "200"))
    except ValueError:
        raise SimulatorError("'wait' and 'limit' must be numbers.") from None
    if wait > 0:
        await sim.webhooks.wait_idle(wait)
    state = query.get("state")
    if state is not None and state not in DELIVERY_STATES:
        raise SimulatorError(f"'state' must be one of: {', '.join(DELIVERY_STATES)}.")
    with_body = query.get("body", "1") not in ("0", "false")
    log = [d for d in sim.webhooks.log if state is None or d.state == state]
    return JSONResponse(
        {
            "pending": sim.webhooks.pending,
            "webhook_url": sim.options.webhook_url,
            "retry_schedule": list(sim.webhooks.retry_schedule[:20]),
            "deliveries": [d.to_dict(with_body=with_body) for d in log[-limit:]]
            if limit > 0
            else [],
        }
    )


async def config(request: Request, sim: Simulator) -> Response:
    if request.method == "POST":
        OptionsPatch.model_validate(await _json(request)).apply(sim.options)
    return JSONResponse(sim.options.to_dict())


async def templates(request: Request, sim: Simulator) -> Response:
    return JSONResponse({"templates": sim.templates})


async def template_status(request: Request, sim: Simulator) -> Response:
    data = TemplateStatusIn.model_validate(await _json(request))
    name = str(request.path_params["name"])
    template = sim.set_template_status(name, data.language, data.status, data.reason)
    return JSONResponse(template)


async def reset(request: Request, sim: Simulator) -> Response:
    await sim.reset()
    return JSONResponse({"reset": True})


async def changes(request: Request, sim: Simulator) -> Response:
    """Long-poll feed for the phone page: answers as soon as anything changed."""
    try:
        since = int(request.query_params.get("since", "-1"))
        timeout = min(float(request.query_params.get("timeout", "25")), MAX_WAIT_SECONDS)
    except ValueError:
        raise SimulatorError("'since' and 'timeout' must be numbers.") from None
    version = await sim.store.wait_for_change(since, max(timeout, 0.0))
    return JSONResponse({"version": version})


def control_routes() -> list[BaseRoute]:
    def route(path: str, handler: Handler, *methods: str) -> Route:
        return Route("/_sim" + path, control_endpoint(handler), methods=list(methods))

    return [
        route("/info", info, "GET"),
        route("/customers", list_customers, "GET"),
        route("/customers", add_customer, "POST"),
        route("/customers/{wa_id}", get_customer, "GET"),
        route("/customers/{wa_id}/messages", customer_sends, "POST"),
        route("/customers/{wa_id}/messages", customer_messages, "GET"),
        route("/customers/{wa_id}/read", customer_reads, "POST"),
        route("/media", upload, "POST"),
        route("/media/{media_id}/content", media_content, "GET"),
        route("/faults", faults, "GET", "POST", "DELETE"),
        route("/webhooks", webhooks, "GET"),
        route("/config", config, "GET", "POST"),
        route("/templates", templates, "GET"),
        route("/templates/{name}/status", template_status, "POST"),
        route("/reset", reset, "POST"),
        route("/changes", changes, "GET"),
    ]
