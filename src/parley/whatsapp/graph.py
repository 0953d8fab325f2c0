"""The typed Cloud API client: the `WhatsAppGateway` port and its httpx adapter, `GraphClient`.

`GraphClient` wraps an injected `httpx.AsyncClient` (tests aim it at `httpx.MockTransport` or the
simulator's ASGI app). Every failure is one of two exceptions from `errors`: `GraphError` when
Meta answered with an error (any non-2xx, or an `error` object), `GraphTransportError` when there
was no usable answer. Media size limits are the caller's business.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import httpx

from parley.whatsapp.errors import UNKNOWN_CODE, GraphError, GraphTransportError

if TYPE_CHECKING:
    from parley.settings import Settings

Json = dict[str, Any]

TEMPLATE_FIELDS = "name,language,status,category,components,parameter_format,quality_score"
_PAGE_SIZE = 100
_MAX_PAGES = 500
_WA_ID = re.compile(r"[0-9]{5,20}")
_BSUID = re.compile(r"[A-Z]{2}\.[A-Za-z0-9.]{1,160}")
_TYPE = re.compile(r"[a-z][a-z_]{0,31}")
_RESERVED = frozenset(
    {"messaging_product", "recipient_type", "to", "recipient", "type", "context", "status"}
)
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One send: `to` is a wa_id (digits; `+`, spaces and dashes are tolerated) or a BSUID."""

    to: str
    type: str
    body: Json  # the `<type>` object, e.g. {"body": "Hi"} for text
    context_wamid: str | None = None
    callback_data: str | None = None  # echoed as `biz_opaque_callback_data` in statuses


@dataclass(frozen=True, slots=True)
class SendResult:
    """Meta accepted the send (not delivered yet). `wa_id` may differ from `input` (§8.5)."""

    wamid: str
    wa_id: str
    input: str
    message_status: str | None = None


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """`GET /{media-id}`: a download URL valid for 5 minutes. `file_size` 0 means unknown."""

    url: str
    mime_type: str
    sha256: str
    file_size: int
    id: str


@dataclass(frozen=True, slots=True)
class MediaStream:
    """A media download under way: its Content-Type and its bytes, chunk by chunk."""

    content_type: str
    chunks: AsyncIterator[bytes]


class WhatsAppGateway(Protocol):
    """What Parley needs from the Cloud API."""

    async def send(self, msg: OutboundMessage) -> SendResult: ...

    async def mark_read(self, wamid: str, typing: bool = False) -> None: ...

    async def upload_media(
        self, data: bytes | AsyncIterable[bytes], mime_type: str, filename: str
    ) -> str: ...

    async def media_info(self, media_id: str) -> MediaInfo: ...

    async def download_media(self, url: str) -> tuple[bytes, str]: ...

    def open_media(self, url: str) -> AbstractAsyncContextManager[MediaStream]: ...
    async def delete_media(self, media_id: str) -> None: ...

    async def list_templates(self, status: str | None = None) -> list[Json]: ...


def build_send_payload(msg: OutboundMessage) -> Json:
    """The JSON body of `POST /{phone-number-id}/messages` for `msg` (WHATSAPP.md §4)."""
    if not _TYPE.fullmatch(msg.type) or msg.type in _RESERVED:
        raise ValueError(f"not a message type: {msg.type[:40]!r}")
    payload: Json = {"messaging_product": "whatsapp", "recipient_type": "individual"}
    payload.update(_recipient(msg.to))
    payload.update({"type": msg.type, msg.type: msg.body})
    if msg.context_wamid:
        payload["context"] = {"message_id": msg.context_wamid}
    if msg.callback_data is not None:
        payload["biz_opaque_callback_data"] = msg.callback_data
    return payload


def _recipient(to: str) -> dict[str, str]:
    """`+<digits>` so Meta never prepends the business number's country code; a BSUID as is."""
    digits = re.sub(r"[\s()+-]", "", to)
    if _WA_ID.fullmatch(digits):
        return {"to": "+" + digits}
    if _BSUID.fullmatch(to):
        return {"recipient": to}
    raise ValueError(f"not a wa_id or BSUID: {to[:40]!r}")


class GraphClient:
    """`WhatsAppGateway` over the Graph API. `base_url` includes the version (`…/v23.0`)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        phone_number_id: str,
        business_account_id: str,
        access_token: str,
        timeout: float | None = None,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._phone_number_id = phone_number_id
        self._business_account_id = business_account_id
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._timeout = httpx.Timeout(timeout) if timeout is not None else http.timeout

    @classmethod
    def from_settings(cls, settings: Settings, http: httpx.AsyncClient) -> GraphClient:
        return cls(
            http,
            base_url=settings.graph_base,
            phone_number_id=settings.whatsapp_phone_number_id,
            business_account_id=settings.whatsapp_business_account_id,
            access_token=settings.whatsapp_access_token,
            timeout=settings.whatsapp_timeout_seconds,
        )

    def __repr__(self) -> str:  # never shows the token
        return f"GraphClient(base_url={self._base!r}, phone_number_id={self._phone_number_id!r})"

    async def send(self, msg: OutboundMessage) -> SendResult:
        payload = build_send_payload(msg)
        response = await self._request(
            "POST", self._url(self._phone_number_id, "messages"), payload
        )
        return _send_result(_checked(response), payload)

    async def mark_read(self, wamid: str, typing: bool = False) -> None:
        """Mark `wamid` (and earlier messages) read; with `typing`, show the typing indicator."""
        payload: Json = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        if typing:
            payload["typing_indicator"] = {"type": "text"}
        response = await self._request(
            "POST", self._url(self._phone_number_id, "messages"), payload
        )
        _require_success(response)

    async def upload_media(
        self, data: bytes | AsyncIterable[bytes], mime_type: str, filename: str
    ) -> str:
        """Upload a file for sending; returns its media id (valid 30 days). Given a stream of
        chunks, the multipart body is streamed too (never the whole file in memory)."""
        url = self._url(self._phone_number_id, "media")
        fields = {"messaging_product": "whatsapp", "type": mime_type}
        if isinstance(data, bytes):
            response = await self._request(
                "POST", url, data=fields, files={"file": (filename, data, mime_type)}
            )
        else:
            boundary = secrets.token_hex(16)
            response = await self._request(
                "POST",
                url,
                content=_multipart(boundary, fields, data, filename, mime_type),
                extra_headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        return _required_text(_object(response), "id", response)

    async def media_info(self, media_id: str) -> MediaInfo:
        response = await self._request("GET", self._url(media_id), params=self._number_param)
        body = _object(response)
        return MediaInfo(
            url=_required_text(body, "url", response),
            mime_type=_text(body.get("mime_type")) or "application/octet-stream",
            sha256=_text(body.get("sha256")) or "",
            file_size=_size(body.get("file_size")),
            id=_text(body.get("id")) or media_id,
        )

    async def download_media(self, url: str) -> tuple[bytes, str]:
        """The bytes and Content-Type at a `MediaInfo.url` (a 404 means: fetch a new URL)."""
        if not url.startswith(("https://", "http://")):
            raise ValueError("media URL must be http(s)")
        response = await self._request("GET", url, follow_redirects=True)
        if not response.is_success:
            raise GraphError.from_response(response.status_code, response.content)
        kind = response.headers.get("content-type", "application/octet-stream")
        return response.content, kind

    @asynccontextmanager
    async def open_media(self, url: str) -> AsyncIterator[MediaStream]:
        """Stream the bytes at a `MediaInfo.url` (same errors as `download_media`)."""
        if not url.startswith(("https://", "http://")):
            raise ValueError("media URL must be http(s)")
        request = self._http.build_request("GET", url, headers=self._headers, timeout=self._timeout)
        try:
            response = await self._http.send(request, stream=True, follow_redirects=True)
        except httpx.RequestError as exc:
            raise GraphTransportError(f"{type(exc).__name__}: {exc}", maybe_sent=False) from exc
        try:
            if not response.is_success:
                await response.aread()
                raise GraphError.from_response(response.status_code, response.content)
            kind = response.headers.get("content-type", "application/octet-stream")
            yield MediaStream(kind, response.aiter_bytes(64 * 1024))
        finally:
            await response.aclose()

    async def delete_media(self, media_id: str) -> None:
        response = await self._request("DELETE", self._url(media_id), params=self._number_param)
        _require_success(response)

    async def list_templates(self, status: str | None = None) -> list[Json]:
        """Every template of the WABA (optionally of one `status`), following `after` cursors."""
        params = {"fields": TEMPLATE_FIELDS, "limit": str(_PAGE_SIZE)}
        if status:
            params["status"] = status
        url = self._url(self._business_account_id, "message_templates")
        templates: list[Json] = []
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            body = _object(await self._request("GET", url, params=params))
            data = body.get("data")
            if isinstance(data, list):
                templates.extend(item for item in data if isinstance(item, dict))
            after = _next_cursor(body)
            if after is None or after in seen:
                break
            seen.add(after)
            params["after"] = after
        return templates

    @property
    def _number_param(self) -> dict[str, str]:
        return {"phone_number_id": self._phone_number_id}

    def _url(self, *parts: str) -> str:
        return "/".join([self._base, *(quote(part, safe="") for part in parts)])

    async def _request(
        self,
        method: str,
        url: str,
        json_body: Json | None = None,
        extra_headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {**self._headers, **(extra_headers or {})}
        try:
            return await self._http.request(
                method, url, json=json_body, headers=headers, timeout=self._timeout, **kwargs
            )
        except httpx.RequestError as exc:
            maybe_sent = not isinstance(exc, _NOT_SENT)
            raise GraphTransportError(
                f"{type(exc).__name__}: {exc}", maybe_sent=maybe_sent
            ) from exc


async def _multipart(
    boundary: str, fields: dict[str, str], chunks: AsyncIterable[bytes], filename: str, mime: str
) -> AsyncIterator[bytes]:
    """A multipart/form-data body (RFC 7578): the text fields, then the file, streamed."""
    for name, value in fields.items():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    quoted = filename.replace("\\", "_").replace('"', "_").replace("\r", "").replace("\n", "")
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
        f"Content-Type: {mime}\r\n\r\n"
    ).encode()
    async for chunk in chunks:
        yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def _checked(response: httpx.Response) -> object:
    """The decoded body of a successful answer; GraphError for non-2xx or an `error` object."""
    try:
        body: object = json.loads(response.content)
    except (ValueError, RecursionError):
        body = response.text
    has_error = isinstance(body, dict) and isinstance(body.get("error"), dict)
    if not response.is_success or has_error:
        raise GraphError.from_response(response.status_code, body)
    return body


def _object(response: httpx.Response) -> Json:
    body = _checked(response)
    if not isinstance(body, dict):
        raise _unexpected(response, "not a JSON object")
    return body


def _send_result(body: object, payload: Json) -> SendResult:
    """Meta's 200: `contacts[0]` and `messages[0].id`. Without a wamid the outcome is unknown."""
    body = body if isinstance(body, dict) else {}
    contact, message = _first(body.get("contacts")), _first(body.get("messages"))
    wamid = _text(message.get("id"))
    if not wamid:
        raise GraphTransportError("send answered 2xx without a message id", maybe_sent=True)
    sent_to = str(payload.get("to") or payload.get("recipient"))
    return SendResult(
        wamid=wamid,
        wa_id=_text(contact.get("wa_id")) or sent_to.lstrip("+"),
        input=_text(contact.get("input")) or sent_to,
        message_status=_text(message.get("message_status")),
    )


def _require_success(response: httpx.Response) -> None:
    if _object(response).get("success") is not True:
        raise _unexpected(response, "no success flag")


def _required_text(body: Json, key: str, response: httpx.Response) -> str:
    value = _text(body.get(key))
    if not value:
        raise _unexpected(response, f"no {key!r}")
    return value


def _unexpected(response: httpx.Response, what: str) -> GraphError:
    return GraphError(
        UNKNOWN_CODE,
        f"unexpected Graph answer: {what}",
        title="Unexpected Graph answer",
        http_status=response.status_code,
    )


def _next_cursor(body: Json) -> str | None:
    paging = body.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return None  # `next` is absent on the last page
    cursors = paging.get("cursors")
    return _text(cursors.get("after")) if isinstance(cursors, dict) else None


def _first(value: object) -> Json:
    item = value[0] if isinstance(value, list) and value else None
    return item if isinstance(item, dict) else {}


def _text(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def _size(value: object) -> int:
    """`file_size` is a number in practice and a string in Meta's docs; 0 when unknown."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else 0
