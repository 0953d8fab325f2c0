"""Templates of the business account: synced from the Cloud API, kept current by webhooks.

`sync_templates` reads every page of `GET /{waba-id}/message_templates` (WHATSAPP.md §6.1);
`apply_status_update` applies a `message_template_status_update` webhook (§1.4). Both emit
`template.updated` to every desktop for each template whose status or content changed, so one
that stops being approved disappears from the pickers at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from parley.db.uow import UnitOfWork
from parley.domain.templates import approved
from parley.errors import NotFound
from parley.templates.events import TemplateUpdated
from parley.templates.models import MessageTemplate
from parley.templates.schemas import SyncOut, TemplateOut
from parley.whatsapp.payloads import TemplateStatusUpdate
from parley.workers.wake import Wake

log = logging.getLogger("parley.templates")
GONE = "DELETED"
# Every node syncs at start: one at a time, or two would add the same template at once.
SYNC_LOCK = 7781002


def _language(value: Any) -> str:
    return str(value or "").replace("-", "_")[:20]


def _announce(uow: UnitOfWork, row: MessageTemplate) -> None:
    uow.emit(TemplateUpdated(template=TemplateOut.of(row)), everyone=True)


async def sync_templates(
    uow: UnitOfWork, listed: Sequence[dict[str, Any]], now: datetime
) -> SyncOut:
    """Make the stored templates what the Cloud API listed: new ones added, changed ones
    updated, ones no longer listed marked `DELETED`. Entries without a name are skipped."""
    if uow.dialect == "postgresql":
        await uow.session.execute(text(f"SELECT pg_advisory_xact_lock({SYNC_LOCK})"))
    rows = {(t.name, t.language): t for t in await uow.session.scalars(select(MessageTemplate))}
    seen: set[tuple[str, str]] = set()
    for item in listed:
        name, language = str(item.get("name") or "")[:512], _language(item.get("language"))
        if not name or not language or (name, language) in seen:
            continue
        seen.add((name, language))
        components = item.get("components")
        values = {
            "graph_id": str(item.get("id") or "")[:64],
            "status": str(item.get("status") or "PENDING").upper()[:32],
            "category": str(item.get("category") or "UTILITY").upper()[:32],
            "parameter_format": str(item.get("parameter_format") or "POSITIONAL").upper()[:16],
            "components": components if isinstance(components, list) else [],
        }
        row = rows.get((name, language))
        if row is None:
            row = MessageTemplate(name=name, language=language, synced_at=now, **values)
            uow.session.add(row)
            await uow.session.flush()
            _announce(uow, row)
            continue
        changed = any(getattr(row, k) != v for k, v in values.items())
        for key, value in values.items():
            setattr(row, key, value)
        if changed and approved(values):
            row.reason = None
        row.synced_at = now
        if changed:
            _announce(uow, row)
    for known, stored in rows.items():
        if known not in seen and stored.status != GONE:
            stored.status, stored.synced_at = GONE, now
            _announce(uow, stored)
    return SyncOut(synced=len(seen), approved=sum(1 for i in listed if approved(i)))


async def apply_status_update(uow: UnitOfWork, update: TemplateStatusUpdate, now: datetime) -> bool:
    """Apply one status webhook; False if the template is not known yet (a sync is woken).

    Events that are not statuses map onto the listing's statuses: `FLAGGED` keeps the template
    sendable, `REINSTATED`/`UNARCHIVED` approve it again."""
    row = await uow.session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.name == update.name, MessageTemplate.language == update.language
        )
    )
    if row is None and update.template_id:
        row = await uow.session.scalar(
            select(MessageTemplate).where(MessageTemplate.graph_id == update.template_id)
        )
    if row is None:  # a template created since the last sync: read the list again
        log.info("templates.unknown_status_update", extra={"template": update.name})
        uow.wake(Wake.TEMPLATES)
        return False
    event = update.event.upper()
    status = {"FLAGGED": row.status, "REINSTATED": "APPROVED", "UNARCHIVED": "APPROVED"}.get(
        event, event
    )
    row.status = status[:32] or row.status
    row.reason = None if status == "APPROVED" else _reason(update)
    row.synced_at = now
    _announce(uow, row)
    return True


def _reason(update: TemplateStatusUpdate) -> str | None:
    """Meta's reason in words: the rejection's explanation, or the pause's title."""
    raw = update.raw
    parts: list[str] = []
    if update.reason and update.reason != "NONE":
        parts.append(update.reason)
    for key, inner in (("rejection_info", "reason"), ("other_info", "description")):
        info = raw.get(key)
        if isinstance(info, dict) and isinstance(info.get(inner), str):
            parts.append(info[inner])
    return ": ".join(parts)[:500] or None


async def list_approved(uow: UnitOfWork) -> list[TemplateOut]:
    rows = await uow.session.scalars(
        select(MessageTemplate)
        .where(MessageTemplate.status == "APPROVED")
        .order_by(MessageTemplate.name, MessageTemplate.language)
    )
    return [TemplateOut.of(r) for r in rows]


async def approved_template(uow: UnitOfWork, name: str, language: str) -> MessageTemplate:
    """The approved template `name` in `language`; NotFound (`template_not_approved`) else."""
    row = await uow.session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.name == name, MessageTemplate.language == _language(language)
        )
    )
    if row is None or row.status != "APPROVED":
        state = "does not exist" if row is None else f"is {row.status.lower()}"
        raise NotFound(
            f"Template {name} ({language}) {state}; only approved templates can be sent.",
            code="template_not_approved",
        )
    return row
