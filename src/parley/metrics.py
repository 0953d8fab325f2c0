"""Prometheus metrics, one registry per app so several apps (tests, benchmarks) can coexist."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.webhooks_received = Counter(
            "parley_webhooks_received", "Webhooks stored and acknowledged", registry=r
        )
        self.webhooks_rejected = Counter(
            "parley_webhooks_rejected", "Webhooks refused", ["reason"], registry=r
        )
        self.webhooks_processed = Counter(
            "parley_webhooks_processed", "Stored webhooks fully processed", registry=r
        )
        self.webhooks_failed = Counter(
            "parley_webhooks_failed", "Webhook processing attempts that failed", registry=r
        )
        self.webhooks_ignored = Counter(
            "parley_webhooks_ignored",
            "Stored webhooks not for this number (another number, product, or malformed)",
            registry=r,
        )
        self.messages_ingested = Counter(
            "parley_messages_ingested", "New inbound messages stored", registry=r
        )
        self.outbox_sent = Counter("parley_outbox_sent", "Outbox items sent", ["kind"], registry=r)
        self.outbox_errors = Counter(
            "parley_outbox_send_errors", "Cloud API send errors", ["code"], registry=r
        )
        self.outbox_depth = Gauge("parley_outbox_depth", "Outbox items waiting", registry=r)
        self.webhook_backlog = Gauge(
            "parley_webhook_backlog", "Stored webhooks not yet processed", registry=r
        )
        self.ingest_webhooks = Gauge(
            "parley_ingest_webhooks",
            "Stored webhooks by state (all nodes; read from the database at scrape)",
            ["state"],
            registry=r,
        )
        self.ingest_oldest_unprocessed = Gauge(
            "parley_ingest_oldest_unprocessed_seconds",
            "Age of the oldest stored webhook not yet processed (0 when none)",
            registry=r,
        )
        self.connected_agents = Gauge(
            "parley_connected_agents", "Open desktop event streams on this node", registry=r
        )
        # The floor, whole (every node reads the same rows at scrape; see floor.gauges).
        self.queue_depth = Gauge(
            "parley_queue_depth",
            "Interactions waiting for an agent (queued or offered), all nodes",
            registry=r,
        )
        self.queue_longest_wait = Gauge(
            "parley_queue_longest_wait_seconds",
            "The longest current customer wait in the queue (0 when none)",
            registry=r,
        )
        self.agents_by_state = Gauge(
            "parley_agents",
            "Agents by status (ready, not_ready, logged_out), all nodes",
            ["state"],
            registry=r,
        )
        self.send_seconds = Histogram(
            "parley_outbox_send_seconds", "Cloud API send call duration", registry=r
        )
