"""Reading the audit log for people: entries with their actors' names, within a reader's scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from sqlalchemy import select

from parley.audit.schemas import Actor, AuditEntryOut, AuditPage
from parley.audit.service import AuditFilter, list_actions
from parley.auth.models import User
from parley.db.uow import UnitOfWork

EXPORT_BATCH = 500


async def read_page(uow: UnitOfWork, query: AuditFilter) -> AuditPage:
    """One page, newest first; `next_before` continues it."""
    wanted = query.limit
    entries = await list_actions(uow.session, replace(query, limit=wanted + 1))
    items = await _with_actors(uow, entries[:wanted])
    more = len(entries) > wanted
    return AuditPage(items=items, next_before=items[-1].id if more and items else None)


async def read_all(uow: UnitOfWork, query: AuditFilter) -> AsyncIterator[list[AuditEntryOut]]:
    """Every matching entry, newest first, in batches (keyset paging: constant memory)."""
    before = query.before_id
    while True:
        batch = await list_actions(
            uow.session, replace(query, before_id=before, limit=EXPORT_BATCH)
        )
        if not batch:
            return
        yield await _with_actors(uow, batch)
        if len(batch) < EXPORT_BATCH:
            return
        before = batch[-1].id


async def _with_actors(uow: UnitOfWork, entries: list) -> list[AuditEntryOut]:  # type: ignore[type-arg]
    ids = sorted({e.actor_id for e in entries if e.actor_id is not None})
    actors: dict[int, Actor] = {}
    if ids:
        rows = await uow.session.execute(
            select(User.id, User.username, User.name).where(User.id.in_(ids))
        )
        actors = {i: Actor(id=i, username=u, name=n) for i, u, n in rows}
    return [
        AuditEntryOut(
            id=e.id,
            at=e.at,
            actor=actors.get(e.actor_id) if e.actor_id is not None else None,
            action=e.action,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            summary=e.summary,
            detail=e.detail or {},
        )
        for e in entries
    ]
