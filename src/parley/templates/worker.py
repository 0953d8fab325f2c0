"""Keeps the stored templates current: a full sync at start, then every `interval` seconds."""

from __future__ import annotations

import logging
from collections.abc import Callable

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.templates.service import sync_templates
from parley.whatsapp.graph import WhatsAppGateway
from parley.workers.base import Worker

log = logging.getLogger("parley.templates")


class TemplateSyncWorker(Worker):
    name = "templates"

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        gateway: WhatsAppGateway,
        interval_seconds: float,
    ) -> None:
        super().__init__()
        self._uow, self._clock, self._gateway = uow, clock, gateway
        self.poll_seconds = interval_seconds
        self.max_backoff = min(300.0, interval_seconds)

    async def run_once(self) -> bool:
        """One full sync (every page); errors back off and retry (`Worker`)."""
        listed = await self._gateway.list_templates()
        async with self._uow() as uow:
            result = await sync_templates(uow, listed, self._clock.now())
            await uow.commit()
        log.info("templates.synced", extra={"synced": result.synced, "approved": result.approved})
        return False
