"""Uploads never sent: an agent's file that no message and no standard response names, older
than `PARLEY_UNSENT_UPLOAD_MAX_AGE_SECONDS`, is deleted from the database and from storage.

Rows first, files after the commit: a node that dies in between leaves an unreachable file,
never a row whose file is gone. On PostgreSQL the rows are claimed with `FOR UPDATE SKIP
LOCKED`, and a send locks the attachments it sends (`sendable_attachments`), so a file is
either sent or swept, never both; on SQLite transactions take turns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.media.models import Attachment
from parley.media.storage import Storage
from parley.responses.models import StandardResponse
from parley.workers.base import Worker
from parley.workers.wake import Wake

log = logging.getLogger("parley.media")
BATCH = 100


async def referenced_by_responses(uow: UnitOfWork) -> set[int]:
    """Every attachment id a standard response names (the library is small: read whole)."""
    named: set[int] = set()
    for ids in await uow.session.scalars(select(StandardResponse.attachment_ids)):
        named.update(int(i) for i in ids or [] if isinstance(i, int))
    return named


async def sweep_unsent(
    uow: UnitOfWork, now: datetime, max_age_seconds: int, limit: int = BATCH
) -> list[list[str]]:
    """Delete up to `limit` unsent uploads created more than `max_age_seconds` before `now`;
    returns each one's storage keys (file and preview) for the caller to delete after commit."""
    query = (
        select(Attachment)
        .where(
            Attachment.direction == "out",
            Attachment.message_id.is_(None),
            Attachment.created_at < now - timedelta(seconds=max_age_seconds),
        )
        .order_by(Attachment.id)
        .limit(limit)
    )
    keep = await referenced_by_responses(uow)
    if keep:
        query = query.where(Attachment.id.not_in(keep))
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    doomed = list(await uow.session.scalars(query))
    if not doomed:
        return []
    await uow.session.execute(delete(Attachment).where(Attachment.id.in_([a.id for a in doomed])))
    return [[key for key in (a.storage_key, a.thumbnail_key) if key] for a in doomed]


class UploadSweeper(Worker):
    """Sweeps unsent uploads every `poll_seconds`, in batches."""

    name = Wake.UPLOADS
    poll_seconds = 600.0

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        storage: Storage,
        *,
        max_age_seconds: int,
    ) -> None:
        super().__init__()
        self._uow = uow
        self._clock = clock
        self._storage = storage
        self._max_age = max_age_seconds

    async def run_once(self) -> bool:
        async with self._uow() as uow:
            swept = await sweep_unsent(uow, self._clock.now(), self._max_age)
            await uow.commit()
        for keys in swept:
            for key in keys:
                await self._storage.delete(key)
        if swept:
            log.info("media.unsent_swept", extra={"attachments": len(swept)})
        return len(swept) >= BATCH
