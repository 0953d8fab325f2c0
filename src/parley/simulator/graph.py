"""The Graph API side: `/{version}/…` routes answering as Meta does (WHATSAPP.md §4-§7).

Every route goes through `graph_endpoint`: version check, bearer token (code 190 on a
missing or wrong one), injected faults, and Meta's error object for any `GraphError` (an
unexpected exception becomes 131000, never a bare 500).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from .errors import GraphError, expired_token, graph_error_body, unknown_object
from .media import base_mime, check_business_upload, media_info, resolve_download, store_media
from .service import Simulator
from .template_listing import ListingError, list_templates
from .validation import MarkRead, check_send

log = logging.getLogger(__name__)
VERSION = re.compile(r"^v\d{1,3}\.0$")
MAX_UPLOAD_BYTES = 100 * 1024 * 1024

Handler = Callable[[Request, Simulator], Awaitable[Response]]


class ConnectionReset(Response):
    """Drops the connection mid-answer, before anything was carried out.

    Under a server the status line goes out, then the connection is cut (the client reads a
    truncated reply); through an in-process ASGI transport the client gets the same
    `httpx.RemoteProtocolError` directly.
    """

    def __init__(self) -> None:
        super().__init__(status_code=200, headers={"content-length": "64"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        raise httpx.RemoteProtocolError("simulated connection reset")


def error_response(sim: Simulator, error: GraphError) -> JSONResponse:
    return JSONResponse(
        graph_error_body(error, sim.ids.fbtrace_id()), status_code=error.http_status
    )


def _authorized(request: Request, sim: Simulator) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        token = request.query_params.get("access_token", "")
    expected = sim.settings.whatsapp_access_token
    return bool(token) and hmac.compare_digest(token.strip().encode(), expected.encode())


def graph_endpoint(
    handler: Handler, *, versioned: bool = True
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        sim: Simulator = request.app.state.simulator
        version = request.path_params.get("version", "")
        if versioned and not VERSION.match(version):
            message = f"Unknown path components: {request.url.path}"
            return error_response(sim, GraphError(2500, message, message=message))
        if not _authorized(request, sim):
            return error_response(sim, GraphError(190))
        fault = sim.faults.take_graph(request.url.path)
        if fault is not None and fault.kind == "graph_error":
            code = fault.code or 131000
            return error_response(sim, GraphError(code, http_status=fault.http_status))
        if fault is not None and fault.kind == "expired_token":
            return error_response(sim, expired_token())
        if fault is not None and fault.kind == "connection_reset":
            return ConnectionReset()
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.delay_seconds or 1.0)
        try:
            response = await handler(request, sim)
        except GraphError as error:
            response = error_response(sim, error)
        except Exception:
            log.exception("simulator: unexpected error on %s", request.url.path)
            response = error_response(sim, GraphError(131000))
        if fault is not None and fault.kind == "timeout":
            await asyncio.sleep(fault.delay_seconds or 30.0)
        return response

    return endpoint


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise GraphError(100, "The request body is not valid JSON.") from None


def _own_phone(sim: Simulator, node: str, method: str) -> None:
    if node != sim.settings.whatsapp_phone_number_id:
        raise unknown_object(node, method)


async def send_messages(request: Request, sim: Simulator) -> Response:
    _own_phone(sim, request.path_params["node"], "post")
    body = await _json_body(request)
    parsed = check_send(body, sim.store, sim.templates, sim.clock())
    if isinstance(parsed, MarkRead):
        sim.mark_read(parsed)
        return JSONResponse({"success": True})
    return JSONResponse(sim.send_message(parsed))


async def upload_media(request: Request, sim: Simulator) -> Response:
    _own_phone(sim, request.path_params["node"], "post")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise GraphError(100, "Media uploads must be multipart/form-data.")
    try:
        async with request.form(max_files=2, max_fields=20) as form:
            if form.get("messaging_product") != "whatsapp":
                raise GraphError(
                    100, "The parameter messaging_product is required and must be 'whatsapp'."
                )
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise GraphError(100, "The parameter file is required.")
            declared = form.get("type")
            mime = declared if isinstance(declared, str) and declared else upload.content_type
            if not mime:
                raise GraphError(100, "The parameter type is required.")
            part_type = upload.content_type
            if (
                part_type
                and part_type != "application/octet-stream"
                and (base_mime(part_type) != base_mime(mime))
            ):
                raise GraphError(131053, f"The file's type {part_type} does not match type {mime}.")
            content = await upload.read(MAX_UPLOAD_BYTES + 1)
            check_business_upload(mime, content, sniff=sim.options.check_media_content)
            media = store_media(
                sim.store,
                sim.ids,
                sim.clock,
                content,
                mime,
                filename=upload.filename,
                owner="business",
            )
    except HTTPException as exc:
        raise GraphError(100, f"Malformed multipart body: {exc.detail}") from None
    return JSONResponse({"id": media.id})


def _project(obj: dict[str, Any], fields: str | None) -> dict[str, Any]:
    if not fields:
        return obj
    wanted = {f.strip() for f in fields.split(",")}
    return {k: v for k, v in obj.items() if k in wanted or k == "id"}


async def get_node(request: Request, sim: Simulator) -> Response:
    node = request.path_params["node"]
    settings = sim.settings
    fields = request.query_params.get("fields")
    if node == settings.whatsapp_phone_number_id:
        phone = {
            "verified_name": sim.options.business_name,
            "code_verification_status": "VERIFIED",
            "display_phone_number": settings.whatsapp_display_phone_number,
            "quality_rating": "GREEN",
            "platform_type": "CLOUD_API",
            "throughput": {"level": "STANDARD"},
            "id": node,
        }
        return JSONResponse(_project(phone, fields))
    if node == settings.whatsapp_business_account_id:
        waba = {
            "id": node,
            "name": sim.options.business_name,
            "currency": "USD",
            "timezone_id": "1",
            "message_template_namespace": "parley_sim",
        }
        return JSONResponse(_project(waba, fields))
    template = next((t for t in sim.templates if t["id"] == node), None)
    if template is not None:
        return JSONResponse(_project(dict(template), fields))
    phone_filter = request.query_params.get("phone_number_id")
    media = sim.store.live_media(node, sim.clock())
    if media is None or (phone_filter and phone_filter != settings.whatsapp_phone_number_id):
        raise unknown_object(node)
    return JSONResponse(media_info(sim.store, sim.ids, sim.clock, media, str(request.base_url)))


async def delete_node(request: Request, sim: Simulator) -> Response:
    node = request.path_params["node"]
    if sim.store.live_media(node, sim.clock()) is None:
        raise unknown_object(node, "delete")
    del sim.store.media[node]
    return JSONResponse({"success": True})


async def message_templates(request: Request, sim: Simulator) -> Response:
    node = request.path_params["node"]
    if node != sim.settings.whatsapp_business_account_id:
        raise unknown_object(node)
    page_url = f"{str(request.base_url).rstrip('/')}{request.url.path}"
    try:
        body = list_templates(sim.templates, dict(request.query_params), page_url)
    except ListingError as exc:
        raise GraphError(100, str(exc)) from None
    return JSONResponse(body)


async def download(request: Request, sim: Simulator) -> Response:
    media = resolve_download(sim.store, sim.clock, request.path_params["token"])
    if media is None:
        return JSONResponse({"error": {"message": "Media URL not found or expired."}}, 404)
    headers = {"Content-Length": str(len(media.content))}
    return Response(media.content, media_type=media.mime_type, headers=headers)


def graph_routes() -> list[BaseRoute]:
    return [
        Route("/_media/{token}", graph_endpoint(download, versioned=False), methods=["GET"]),
        Route("/{version}/{node}/messages", graph_endpoint(send_messages), methods=["POST"]),
        Route("/{version}/{node}/media", graph_endpoint(upload_media), methods=["POST"]),
        Route(
            "/{version}/{node}/message_templates",
            graph_endpoint(message_templates),
            methods=["GET"],
        ),
        Route("/{version}/{node}", graph_endpoint(get_node), methods=["GET"]),
        Route("/{version}/{node}", graph_endpoint(delete_node), methods=["DELETE"]),
    ]
