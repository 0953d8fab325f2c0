"""How the stored webhook log is doing: received, processed, failed, and how old the backlog is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from parley.db.uow import UnitOfWork
from parley.ingest.models import InboundWebhook
from parley.metrics import Metrics

UNPROCESSED = ("pending", "failed")


@dataclass(frozen=True, slots=True)
class IngestHealth:
    """Counts over `inbound_log`. `failed` webhooks are retried with backoff until processed;
    `ignored` ones were not for this number (`last_ignored_reason` says why the newest was)."""

    received: int
    processed: int
    failed: int
    pending: int
    oldest_unprocessed_at: datetime | None
    ignored: int = 0
    last_ignored_reason: str | None = None

    def oldest_unprocessed_age(self, now: datetime) -> float | None:
        if self.oldest_unprocessed_at is None:
            return None
        return max(0.0, (now - self.oldest_unprocessed_at).total_seconds())


async def ingest_health(uow: UnitOfWork) -> IngestHealth:
    rows = await uow.session.execute(
        select(InboundWebhook.state, func.count()).group_by(InboundWebhook.state)
    )
    counts: dict[str, int] = {state: count for state, count in rows}
    oldest = await uow.session.scalar(
        select(func.min(InboundWebhook.received_at)).where(InboundWebhook.state.in_(UNPROCESSED))
    )
    last_ignored = await uow.session.scalar(
        select(InboundWebhook.note)
        .where(InboundWebhook.state == "ignored")
        .order_by(InboundWebhook.id.desc())
        .limit(1)
    )
    return IngestHealth(
        received=sum(counts.values()),
        ignored=counts.get("ignored", 0),
        last_ignored_reason=last_ignored,
        processed=counts.get("processed", 0),
        failed=counts.get("failed", 0),
        pending=counts.get("pending", 0),
        oldest_unprocessed_at=oldest,
    )


def export_health(metrics: Metrics, health: IngestHealth, now: datetime) -> None:
    """Copy the health into the Prometheus gauges (refreshed at each scrape)."""
    for state in ("received", "processed", "failed", "pending", "ignored"):
        metrics.ingest_webhooks.labels(state).set(getattr(health, state))
    metrics.webhook_backlog.set(health.pending + health.failed)
    metrics.ingest_oldest_unprocessed.set(health.oldest_unprocessed_age(now) or 0.0)
