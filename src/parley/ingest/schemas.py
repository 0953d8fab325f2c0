"""The ingest health view of the public API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from parley.ingest.health import IngestHealth


class IngestHealthOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received: int
    processed: int
    failed: int
    pending: int
    oldest_unprocessed_at: datetime | None
    oldest_unprocessed_age_seconds: float | None

    @classmethod
    def of(cls, health: IngestHealth, now: datetime) -> IngestHealthOut:
        return cls(
            received=health.received,
            processed=health.processed,
            failed=health.failed,
            pending=health.pending,
            oldest_unprocessed_at=health.oldest_unprocessed_at,
            oldest_unprocessed_age_seconds=health.oldest_unprocessed_age(now),
        )
