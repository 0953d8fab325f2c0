"""A contact's media: recorded as `loading` when its message is ingested, then fetched from the
Cloud API by the `MediaFetcher` (worker.py) and recorded here as `ready` or `failed`.

Each change is mirrored in the message's `content.attachment` (see `schemas.summary`) and
announced with `message.updated`, so the desktop's bubble follows: loading → the file, or
"could not be fetched" and why.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, or_, select, update

from parley.db.bulk import insert_returning_ids
from parley.db.uow import UnitOfWork
from parley.domain.attachments import content_kind, safe_filename, voice_note
from parley.media.models import FAILED, LOADING, READY, Attachment
from parley.media.schemas import summary
from parley.media.service import Intake
from parley.messages.audience import holder_of
from parley.messages.events import MessageUpdated
from parley.messages.models import Message
from parley.messages.transcript import message_out
from parley.whatsapp.content import MEDIA_TYPES
from parley.whatsapp.errors import webhook_errors
from parley.workers.wake import Wake

# A media URL lives 5 minutes (WHATSAPP.md §5); one older than this is not worth a request.
URL_FRESH = timedelta(minutes=4)
LEASE_SECONDS = 120  # a claim older than this belongs to a dead fetcher and is taken over
ATTACHMENTS: Table = Attachment.__table__  # type: ignore[assignment]
DEFAULT_NAMES = {"image": "photo", "video": "video", "audio": "audio", "sticker": "sticker"}


async def expect_inbound(uow: UnitOfWork, messages: Sequence[Message], now: datetime) -> None:
    """An attachment row for each media message in `messages` (freshly stored, with ids):
    `loading`, or `failed` at once when the webhook carried an error for the media."""
    media = [m for m in messages if m.type in MEDIA_TYPES and m.direction == "in"]
    if not media:
        return
    values = [_expected(message, now) for message in media]
    # Core statements, one for the rows and one for the messages: ingest stores media in
    # batches, and the ORM's unit of work cost a quarter of a batch's time for a tenth of it.
    ids = await insert_returning_ids(uow.session, ATTACHMENTS, values, key="message_id")
    uow.wake(Wake.MEDIA)
    contents = []
    for message, id_, row in zip(media, ids, values, strict=True):
        message.content = {**message.content, "attachment": summary(Attachment(id=id_, **row))}
        contents.append({"id": message.id, "content": message.content})
    await uow.session.execute(update(Message), contents)


def _expected(message: Message, now: datetime) -> dict[str, Any]:
    content: dict[str, Any] = message.content or {}
    mime = str(content.get("mime_type") or "application/octet-stream")
    name = content.get("filename") or DEFAULT_NAMES.get(message.type, "file")
    errors = webhook_errors((message.raw or {}).get("errors"))
    media_id = content.get("media_id")
    error = None
    if errors:
        first = errors[0]
        reason = ": ".join(p for p in (first.title, first.details) if p) or f"error {first.code}"
        error = f"WhatsApp could not deliver this file ({reason})."
    elif not media_id:
        error = "WhatsApp sent no media id for this file."
    return dict(
        direction="in",
        state=FAILED if error else LOADING,
        kind=message.type,
        mime_type=mime[:255],
        # The declared type may lie: a name's own extension stays until the content decides
        # (record_fetched); a name without one (WhatsApp's images carry none) gets the declared.
        filename=safe_filename(str(name), None if "." in str(name) else mime),
        voice=voice_note(mime, content.get("voice")),
        animated=bool(content.get("animated")),
        contact_id=message.contact_id,
        message_id=message.id,
        wa_media_id=str(media_id)[:64] if media_id else None,
        wa_sha256=str(content.get("sha256") or "")[:128] or None,
        error=error,
        attempts=0,
        next_attempt_at=None if error else now,
        created_at=now,
        updated_at=now,
    )


async def claim_due(uow: UnitOfWork, now: datetime, limit: int) -> list[Attachment]:
    """Up to `limit` media due for fetching, leased for `LEASE_SECONDS` (other nodes skip the
    rows this one locks; a dead node's lease runs out and the file is fetched again)."""
    query = (
        select(Attachment)
        .where(
            Attachment.direction == "in",
            Attachment.state == LOADING,
            or_(Attachment.next_attempt_at.is_(None), Attachment.next_attempt_at <= now),
        )
        .order_by(Attachment.next_attempt_at, Attachment.id)
        .limit(limit)
    )
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = list(await uow.session.scalars(query))
    for attachment in claimed:
        attachment.attempts += 1
        attachment.next_attempt_at = now + timedelta(seconds=LEASE_SECONDS)
        attachment.claimed_at = now
    return claimed


async def release_claims(uow: UnitOfWork, now: datetime) -> int:
    """Make every contact's file still loading and claimed due now; returns how many. For a
    fetcher that starts where no other can hold a claim (one node owns a SQLite file, and its
    worker process is that node's only fetcher): the claims of the worker it replaces died with
    it, and would otherwise keep their files loading for `LEASE_SECONDS`. A file waiting for a
    retry keeps its time: a worker that keeps dying must not spend its attempts faster. A
    released claim keeps the attempt it counted: a file whose fetch itself kills the worker
    (a decoder's crash) must run out of attempts, not restart it for ever."""
    statement = (
        update(Attachment)
        .where(
            Attachment.direction == "in",
            Attachment.state == LOADING,
            Attachment.claimed_at.is_not(None),
        )
        .values(next_attempt_at=now, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    result = await uow.session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def webhook_urls(
    uow: UnitOfWork, claimed: Sequence[Attachment], now: datetime, hosts: frozenset[str]
) -> dict[int, str]:
    """The download URL the webhook carried for each claimed file (attachment id → URL), where
    it can still be used: on the first attempt, within `URL_FRESH` of the webhook, and on one
    of `hosts` (the request carries the access token, so never to a host a payload names).

    Since 2025 an inbound media object may carry `url` (WHATSAPP.md §2.4, "short-lived,
    optional"); fetching it first saves the `GET /{media-id}` that otherwise asks for one.
    """
    fresh = {
        a.message_id: a.id
        for a in claimed
        if a.message_id is not None and a.attempts == 1 and now - a.created_at < URL_FRESH
    }
    if not fresh or not hosts:
        return {}
    rows = await uow.session.execute(
        select(Message.id, Message.content).where(Message.id.in_(sorted(fresh)))
    )
    urls = {}
    for message_id, content in rows:
        url = (content or {}).get("url")
        if isinstance(url, str) and _on(url, hosts):
            urls[fresh[message_id]] = url
    return urls


def _on(url: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and (parts.hostname or "") in hosts


def sha256_matches(expected: str | None, hex_digest: str) -> bool:
    """WhatsApp's `sha256` appears as hex in some payloads and base64 in others: either may
    match. None or empty means nothing to check."""
    if not expected:
        return True
    if expected.lower() == hex_digest:
        return True
    try:
        return base64.b64decode(expected, validate=True).hex() == hex_digest
    except (binascii.Error, ValueError):
        return False


async def lock_for_recording(uow: UnitOfWork, attachment_ids: list[int]) -> dict[int, Attachment]:
    """These attachments, locked (PostgreSQL) for recording what their fetch gave, by id, with
    their messages loaded: two statements for a fetched batch instead of two per file."""
    if not attachment_ids:
        return {}
    query = select(Attachment).where(Attachment.id.in_(attachment_ids)).with_for_update()
    found = {a.id: a for a in await uow.session.scalars(query)}
    message_ids = sorted({a.message_id for a in found.values() if a.message_id is not None})
    if message_ids:  # into the session: `_mirror` finds them there
        await uow.session.scalars(select(Message).where(Message.id.in_(message_ids)))
    return found


async def record_fetched(
    uow: UnitOfWork, attachment: Attachment | None, now: datetime, intake: Intake
) -> Attachment | None:
    """The file is in storage (`intake`, with its preview if it has one): the attachment
    (from `lock_for_recording`) is ready, named for its content. None if another node finished
    it first."""
    if attachment is None or attachment.state != LOADING:
        return None
    attachment.state = READY
    attachment.storage_key = intake.key
    attachment.mime_type = intake.mime_type
    attachment.kind = content_kind(attachment.kind, intake.mime_type)
    attachment.filename = safe_filename(attachment.filename, intake.mime_type)
    attachment.size = intake.size
    attachment.sha256 = intake.sha256
    if intake.preview is not None:
        attachment.thumbnail_key = intake.preview.key
        attachment.width, attachment.height = intake.preview.width, intake.preview.height
    attachment.error = None
    attachment.next_attempt_at = None
    attachment.claimed_at = None
    attachment.updated_at = now
    await _mirror(uow, attachment)
    return attachment


async def record_failure(
    uow: UnitOfWork,
    attachment: Attachment | None,
    now: datetime,
    reason: str,
    *,
    retry_in: float | None,
) -> None:
    """A fetch of `attachment` (from `lock_for_recording`) failed: try again in `retry_in`
    seconds, or (None) give up, saying why."""
    if attachment is None or attachment.state != LOADING:
        return
    attachment.updated_at = now
    attachment.claimed_at = None
    if retry_in is not None:
        attachment.next_attempt_at = now + timedelta(seconds=retry_in)
        attachment.error = reason[:500]
        return
    attachment.state = FAILED
    attachment.error = f"The file could not be fetched: {reason}"[:500]
    attachment.next_attempt_at = None
    await _mirror(uow, attachment)


async def _mirror(uow: UnitOfWork, attachment: Attachment) -> None:
    """Copy the attachment's state into its message's content and tell the desktop."""
    if attachment.message_id is None:
        return
    message = await uow.session.get(Message, attachment.message_id)
    if message is None:
        return
    message.content = {**message.content, "attachment": summary(attachment)}
    agent_id = await holder_of(uow, message.interaction_id)
    uow.emit(MessageUpdated(message=await message_out(uow, message)), to=agent_id)
