"""Statements on messages built once, for the paths that run them on every ingest batch:
building a statement and its cache key for every batch cost more than SQLite running it."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from parley.messages.models import Message

# The stored messages with any of these wamids: `{"wamids": [...]}`.
BY_WAMIDS = select(Message).where(Message.wamid.in_(bindparam("wamids", expanding=True)))
