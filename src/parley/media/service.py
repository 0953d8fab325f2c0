"""Taking in, finding and serving attachments.

- `take_in(source, policy, …)`: a stream of bytes, checked as it flows to storage: the type
  from the first bytes (never the name or the browser's claim), the size against the type's
  limit, the sha256. A refused stream stores nothing.
- `add_preview(storage, intake, strict=…)`: a photo's thumbnail, stored beside it.
- `record_upload(uow, …)`: an agent's stored upload as an `Attachment` row.
- `access_attachment(uow, user, id)`: the file, if the user may see it: supervisors and admins
  always; an agent their own uploads and the files of contacts whose interactions they handle.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select

from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.domain.attachments import (
    AttachmentPolicy,
    Refusal,
    as_plain_text,
    kind_of,
    safe_filename,
    too_large_message,
    webp_is_animated,
)
from parley.errors import NotFound, ParleyError, TooLarge, UnsupportedType
from parley.interactions.models import Interaction
from parley.media.models import READY, Attachment
from parley.media.sniff import SNIFF_BYTES, sniff
from parley.media.storage import Storage, new_key
from parley.media.thumbnails import StoredPreview, store_preview

STAFF = ("supervisor", "admin")


def refused(refusal: Refusal) -> ParleyError:
    if refusal.code == "too_large":
        return TooLarge(refusal.message)
    if refusal.code == "empty_file":
        return ParleyError(refusal.message, code="empty_file")
    return UnsupportedType(refusal.message)


@dataclass
class Intake:
    """What `take_in` learnt of a stream while storing it (and `preview`, its thumbnail)."""

    key: str
    mime_type: str = "application/octet-stream"
    size: int = 0
    animated: bool = False
    preview: StoredPreview | None = None
    # The bytes of a file small enough to be sniffed whole (under SNIFF_BYTES): its preview is
    # made from them instead of reading the file back from storage.
    data: bytes | None = field(default=None, repr=False)
    _hash: hashlib._Hash = field(default_factory=hashlib.sha256)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    @property
    def keys(self) -> list[str]:
        """Every storage key it holds: the file's and its preview's."""
        return [self.key] + ([self.preview.key] if self.preview else [])


async def add_preview(storage: Storage, intake: Intake, *, strict: bool) -> None:
    """Store the thumbnail of a stored image (see media.thumbnails); with `strict`, an image
    that cannot be read or has too many pixels is refused and its file deleted."""
    try:
        intake.preview = await store_preview(
            storage,
            intake.key,
            intake.mime_type,
            intake.size,
            animated=intake.animated,
            strict=strict,
            data=intake.data,
        )
    except BaseException:
        await discard(storage, intake.keys)
        raise


async def discard(storage: Storage, keys: list[str]) -> None:
    """Delete stored files that no row will name."""
    for key in keys:
        await storage.delete(key)


async def take_in(
    storage: Storage,
    source: AsyncIterable[bytes],
    *,
    limit_for: LimitFor,
) -> Intake:
    """Store `source` under a new key. `limit_for(mime, animated)` returns the most bytes a
    file of that sniffed type may have, or raises to refuse the type. Raises what it raises,
    or `TooLarge`, with nothing stored."""
    intake = Intake(key=new_key())
    await storage.write(intake.key, _checked(source, intake, limit_for))
    return intake


class LimitFor:
    """The policy side of `take_in`: refuses types and sizes the policy refuses. `name` is the
    file's name as the agent gave it: refusals name the file, and a `.txt` holding text that
    libmagic calls HTML is the plain text it says it is (`as_plain_text`)."""

    plain_text_by_name = True

    def __init__(self, policy: AttachmentPolicy, name: str | None = None) -> None:
        self._policy = policy
        self.name = name

    def __call__(self, mime: str, animated: bool) -> int:
        refusal = self._policy.refusal(mime, 1, animated=animated, name=self.name)
        if refusal is not None:
            raise refused(refusal)
        return self._policy.limit_for(mime, animated=animated)


class AnyType(LimitFor):
    """For a contact's media: whatever WhatsApp delivered is kept (it is served safely), up to
    `max_bytes`. Its type stays what libmagic says (a contact's "notes.txt" of HTML is
    HTML to the agent who opens it)."""

    plain_text_by_name = False

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self.name = None

    def __call__(self, mime: str, animated: bool) -> int:
        return self._max


async def _checked(
    source: AsyncIterable[bytes], intake: Intake, limit_for: LimitFor
) -> AsyncIterator[bytes]:
    head = bytearray()
    limit: int | None = None
    async for chunk in source:
        if limit is None:
            head += chunk
            if len(head) < SNIFF_BYTES:
                continue
            limit = _decide(intake, bytes(head), limit_for)
            chunk, head = bytes(head), bytearray()
        intake.size += len(chunk)
        if intake.size > limit:
            raise TooLarge(too_large_message(intake.mime_type, limit))
        intake._hash.update(chunk)
        yield chunk
    if limit is None:
        limit = _decide(intake, bytes(head), limit_for)
        intake.size = len(head)
        if intake.size > limit:
            raise TooLarge(too_large_message(intake.mime_type, limit))
        intake._hash.update(head)
        intake.data = bytes(head)
        yield intake.data


def _decide(intake: Intake, head: bytes, limit_for: LimitFor) -> int:
    if not head:
        raise ParleyError("The file is empty.", code="empty_file")
    intake.mime_type = sniff(head)
    if limit_for.plain_text_by_name:
        intake.mime_type = as_plain_text(intake.mime_type, limit_for.name)
    intake.animated = intake.mime_type == "image/webp" and webp_is_animated(head)
    return limit_for(intake.mime_type, intake.animated)


def record_upload(
    uow: UnitOfWork, user: User, intake: Intake, filename: str | None, now: datetime
) -> Attachment:
    """An agent's stored file (see `take_in`) as an attachment row, not yet sent. Its name keeps
    what the agent called it, with the extension its content calls for."""
    attachment = Attachment(
        direction="out",
        state=READY,
        kind=kind_of(intake.mime_type) or "document",
        mime_type=intake.mime_type,
        filename=safe_filename(filename, intake.mime_type),
        size=intake.size,
        sha256=intake.sha256,
        storage_key=intake.key,
        thumbnail_key=intake.preview.key if intake.preview else None,
        width=intake.preview.width if intake.preview else None,
        height=intake.preview.height if intake.preview else None,
        voice=False,
        animated=intake.animated,
        uploaded_by=user.id,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(attachment)
    return attachment


async def access_attachment(uow: UnitOfWork, user: User, attachment_id: int) -> Attachment:
    """The attachment if `user` may see it; NotFound otherwise (its existence is not told)."""
    attachment = await uow.session.get(Attachment, attachment_id)
    if attachment is None or not await _may_see(uow, user, attachment):
        raise NotFound("No such attachment.")
    return attachment


async def _may_see(uow: UnitOfWork, user: User, attachment: Attachment) -> bool:
    if user.role in STAFF or attachment.uploaded_by == user.id:
        return True
    if attachment.direction == "out" and await _by_staff(uow, attachment):
        return True  # the library's files (standard responses) are every agent's
    if attachment.contact_id is None:
        return False
    handles = exists().where(
        Interaction.contact_id == attachment.contact_id, Interaction.agent_id == user.id
    )
    return bool(await uow.session.scalar(select(handles)))


async def sendable_attachments(
    uow: UnitOfWork, user: User, attachment_ids: list[int]
) -> list[Attachment]:
    """The files named by `attachment_ids`, in that order: the agent's own uploads, or files a
    supervisor or admin uploaded (a standard response's attachments, sent again and again).
    `NotFound` names the first that is neither."""
    found: list[Attachment] = []
    for attachment_id in attachment_ids:
        # Locked: the sweep of unsent uploads skips a file being sent (media.sweeper).
        attachment = await uow.session.get(Attachment, attachment_id, with_for_update=True)
        if attachment is None or attachment.direction != "out" or attachment.state != READY:
            raise NotFound(f"No attachment {attachment_id} to send.")
        if attachment.uploaded_by != user.id and not await _by_staff(uow, attachment):
            raise NotFound(f"No attachment {attachment_id} to send.")
        found.append(attachment)
    if len({a.id for a in found}) != len(found):
        raise ParleyError("An attachment is named twice.", code="attachment_repeated")
    return found


async def _by_staff(uow: UnitOfWork, attachment: Attachment) -> bool:
    if attachment.uploaded_by is None:
        return False
    uploader = await uow.session.get(User, attachment.uploaded_by)
    return uploader is not None and uploader.role in STAFF
