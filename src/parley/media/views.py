"""Thin routes for /attachments: upload (multipart, streamed) and serve (streamed, safe)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from parley.auth.models import User
from parley.deps import CurrentUser, RuntimeDep, Uow, current_auth
from parley.domain.attachments import content_disposition, serve_inline
from parley.errors import NotFound, ParleyError
from parley.fields import MAX_ID
from parley.media import service
from parley.media.models import READY
from parley.media.schemas import AttachmentOut
from parley.media.storage import CHUNK, Storage
from parley.media.thumbnails import EXTENSIONS, preview_type

router = APIRouter(prefix="/api/v1/attachments", tags=["attachments"])
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID)]
UPLOAD_PATH = "/api/v1/attachments"
# Nothing a served file holds may run, load or frame anything.
CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
# Chromium's PDF viewer does not open in a sandboxed document; scripts still may not run.
PDF_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'"


def storage_of(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


async def _chunks(file: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK):
        yield chunk


async def uploader(request: Request, runtime: RuntimeDep) -> User:
    """The caller, authenticated in a short read-only transaction: an upload streams for as
    long as the file takes, and must not hold a transaction (or SQLite's write turn) meanwhile."""
    async with runtime.reader() as uow:
        user, _auth = await current_auth(request, uow, runtime)
        uow.session.expunge(user)
    return user


@router.post("", response_model=AttachmentOut, status_code=201)
async def upload(
    request: Request, user: Annotated[User, Depends(uploader)], runtime: RuntimeDep
) -> AttachmentOut:
    """Multipart with the file in field `file`; its type is read from its content."""
    storage = storage_of(request)
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise ParleyError("Send the file as multipart field 'file'.", code="no_file")
            intake = await service.take_in(
                storage,
                _chunks(file),
                limit_for=service.LimitFor(runtime.settings.attachment_policy, file.filename),
            )
            filename = file.filename
    except HTTPException as exc:
        if exc.status_code == 413:
            raise
        raise ParleyError(f"The upload could not be read: {exc.detail}") from None
    await service.add_preview(storage, intake, strict=True)
    try:
        async with runtime.uow() as uow:
            attachment = service.record_upload(uow, user, intake, filename, runtime.clock.now())
            await uow.session.flush()
            out = AttachmentOut.of(attachment)
            await uow.commit()
    except BaseException:
        await service.discard(storage, intake.keys)
        raise
    return out


@router.get("/{attachment_id}/meta", response_model=AttachmentOut)
async def describe(attachment_id: AttachmentId, user: CurrentUser, uow: Uow) -> AttachmentOut:
    return AttachmentOut.of(await service.access_attachment(uow, user, attachment_id))


@router.get("/{attachment_id}", response_class=Response)
# HEAD is the same route, kept out of the OpenAPI document (one operation per path and method).
@router.head("/{attachment_id}", response_class=Response, include_in_schema=False)
async def download(
    request: Request,
    attachment_id: AttachmentId,
    user: CurrentUser,
    uow: Uow,
    download: Annotated[bool, Query()] = False,
) -> Response:
    """The bytes, streamed. Inline only for types a browser shows safely; `?download=1` (Save
    as) always as an attachment with the file's name. `Range: bytes=a-b` is honoured (players
    seek with it). HEAD answers the same headers without the body (nothing is read)."""
    attachment = await service.access_attachment(uow, user, attachment_id)
    if attachment.state != READY or attachment.storage_key is None or attachment.size is None:
        raise NotFound("This file is not stored (yet).", code="attachment_not_ready")
    inline = serve_inline(attachment.mime_type) and not download
    pdf = attachment.mime_type == "application/pdf"
    headers = {
        "Content-Disposition": content_disposition(attachment.filename, download=not inline),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": PDF_CSP if inline and pdf else CSP,
        "Cache-Control": "private, max-age=86400",
        "Accept-Ranges": "bytes",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    mime = attachment.mime_type if inline else "application/octet-stream"
    if mime == "text/plain":
        mime = "text/plain; charset=utf-8"
    size = attachment.size
    start, end, status = 0, size, 200
    span = _range(request.headers.get("range"), size)
    if isinstance(span, str):
        return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
    if span is not None:
        start, end = span
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD":
        return Response(status_code=status, media_type=mime, headers=headers)
    body = await _opened(storage_of(request).read(attachment.storage_key, start, end))
    return StreamingResponse(body, status_code=status, media_type=mime, headers=headers)


@router.get("/{attachment_id}/thumbnail", response_class=Response)
@router.head("/{attachment_id}/thumbnail", response_class=Response, include_in_schema=False)
async def thumbnail(
    request: Request, attachment_id: AttachmentId, user: CurrentUser, uow: Uow
) -> Response:
    """The file's preview: a JPEG (a WebP when it has transparency) of at most 320 px a side
    (640 for a JPEG kept at a reduced scale), for photos and still stickers (404 `no_thumbnail`
    for other files). Who may see the file may see its preview; HEAD answers its headers."""
    attachment = await service.access_attachment(uow, user, attachment_id)
    if attachment.state != READY or attachment.thumbnail_key is None:
        raise NotFound("This file has no preview.", code="no_thumbnail")
    body = await _opened(storage_of(request).read(attachment.thumbnail_key))
    data = b"".join([chunk async for chunk in body])
    stem = attachment.filename.rpartition(".")[0] or attachment.filename
    mime = preview_type(data)
    headers = {
        "Content-Disposition": content_disposition(f"{stem}.{EXTENSIONS[mime]}", download=False),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CSP,
        "Cache-Control": "private, max-age=86400",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(data))
        return Response(media_type=mime, headers=headers)
    return Response(data, media_type=mime, headers=headers)


async def _opened(body: AsyncGenerator[bytes, None]) -> AsyncIterator[bytes]:
    """`body` with its first chunk already read, so that a file missing from storage (or a
    storage that does not answer) is a clear error before any of the answer is sent."""
    try:
        first = await anext(body)
    except StopAsyncIteration:
        first = b""
    except FileNotFoundError:
        raise NotFound("This file is missing from storage.", code="attachment_missing") from None

    async def rest() -> AsyncIterator[bytes]:
        try:
            if first:
                yield first
            async for chunk in body:
                yield chunk
        finally:
            await body.aclose()  # a client gone half way releases the file (or connection)

    return rest()


def _range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """One `bytes=a-b`, `bytes=a-` or `bytes=-n` range as [start, end); None to send it all
    (no header, one this server does not serve: several ranges, another unit, or one that is
    not valid, such as `bytes=100-50`, which RFC 9110 §14.1.1 says to ignore); "unsatisfiable"
    for a valid range that starts past the end or asks for nothing (`bytes=-0`)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[6:].strip().partition("-")
    if not (first.isdigit() or last.isdigit()) or not all(
        p.isdigit() or not p for p in (first, last)
    ):
        return None
    if first and last and int(last) < int(first):
        return None
    if not first:
        start, end = max(size - int(last), 0), size
    else:
        start, end = int(first), min(int(last) + 1, size) if last else size
    if start >= size or start >= end:
        return "unsatisfiable"
    return start, end
