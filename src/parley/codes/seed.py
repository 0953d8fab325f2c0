"""Seeding the code lists from the settings when a node starts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from parley.clock import Clock
from parley.codes.service import seed_from_settings
from parley.db.uow import UnitOfWork
from parley.domain.codes import CODE_KINDS, CodeKind
from parley.settings import Settings

log = logging.getLogger("parley.codes")


async def seed_code_lists(uow: Callable[[], UnitOfWork], clock: Clock, settings: Settings) -> None:
    """Each list never seeded gets `PARLEY_DISPOSITIONS` / `PARLEY_NOT_READY_REASONS`, in its own
    transaction; a list another node is seeding at the same moment is left to it."""
    lists: dict[CodeKind, tuple[str, ...]] = {
        "disposition": settings.dispositions,
        "not_ready_reason": settings.not_ready_reasons,
    }
    for kind in CODE_KINDS:
        try:
            async with uow() as unit:
                if await seed_from_settings(unit, clock, kind, lists[kind]):
                    await unit.commit()
                    log.info("codes.seeded", extra={"kind": kind, "count": len(lists[kind])})
        except IntegrityError:
            log.info("codes.seeded_elsewhere", extra={"kind": kind})
