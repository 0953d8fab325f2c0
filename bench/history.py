"""A database with history: bulk `INSERT ... SELECT` over a recursive CTE (SQLite) or
`generate_series` (PostgreSQL), a million messages in seconds rather than through the ORM.

Used by the query-plan test and by the benchmark's run on a database that already holds
1,000,000 messages. Contacts are `5521` and 8 digits; message `n` has wamid `wamid.H<n>`, odd
ones inbound, even ones the business's (status `read`), one in fifty a reaction to the next.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from parley.db.engine import build_engine
from parley.settings import Settings

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

_FILL_SQLITE = [
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {contacts}) "
    "INSERT INTO contacts (id, wa_id, profile_name, created_at, updated_at) "
    "SELECT i, '5521' || printf('%08d', i), 'Customer ' || i, :at, :at FROM n",
    "INSERT INTO sessions (id, contact_id, origin, created_at) "
    "SELECT id, id, 'inbound', :at FROM contacts",
    "INSERT INTO interactions (id, session_id, contact_id, state, origin, created_at, "
    "updated_at, unread_count, version) "
    "SELECT id, id, id, 'done', 'inbound', :at, :at, 0, 1 FROM contacts",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {messages}) "
    "INSERT INTO messages (id, session_id, interaction_id, contact_id, direction, type, text, "
    "content, wamid, status, reacts_to_wamid, timestamp, created_at) "
    "SELECT i, c, c, c, CASE WHEN i % 2 = 0 THEN 'out' ELSE 'in' END, "
    "CASE WHEN i % 50 = 1 THEN 'reaction' ELSE 'text' END, 'history ' || i, "
    "CASE WHEN i % 50 = 1 THEN '{{\"message_id\": \"wamid.H' || (i + 1) || '\"}}' "
    "ELSE '{{}}' END, "
    "'wamid.H' || i, CASE WHEN i % 2 = 0 THEN 'read' ELSE 'received' END, "
    "CASE WHEN i % 50 = 1 THEN 'wamid.H' || (i + 1) END, :at, :at "
    "FROM (SELECT i, (i - 1) % {contacts} + 1 AS c FROM n)",
]

_FILL_POSTGRES = [
    # Foreign keys are not checked row by row while the history is built (the values are
    # consistent by construction): it is five times faster.
    "SET LOCAL session_replication_role = replica",
    "INSERT INTO contacts (id, wa_id, profile_name, created_at, updated_at) "
    "SELECT i, '5521' || lpad(i::text, 8, '0'), 'Customer ' || i, :at, :at "
    "FROM generate_series(1, {contacts}) AS i",
    "INSERT INTO sessions (id, contact_id, origin, created_at) "
    "SELECT id, id, 'inbound', :at FROM contacts",
    "INSERT INTO interactions (id, session_id, contact_id, state, origin, created_at, "
    "updated_at, unread_count, version) "
    "SELECT id, id, id, 'done', 'inbound', :at, :at, 0, 1 FROM contacts",
    "INSERT INTO messages (id, session_id, interaction_id, contact_id, direction, type, text, "
    "content, wamid, status, reacts_to_wamid, timestamp, created_at) "
    "SELECT i, c, c, c, CASE WHEN i % 2 = 0 THEN 'out' ELSE 'in' END, "
    "CASE WHEN i % 50 = 1 THEN 'reaction' ELSE 'text' END, 'history ' || i, "
    "CASE WHEN i % 50 = 1 THEN jsonb_build_object('message_id', 'wamid.H' || (i + 1)) "
    "ELSE '{{}}'::jsonb END, "
    "'wamid.H' || i, CASE WHEN i % 2 = 0 THEN 'read' ELSE 'received' END, "
    "CASE WHEN i % 50 = 1 THEN 'wamid.H' || (i + 1) END, :at, :at "
    "FROM (SELECT i, (i - 1) % {contacts} + 1 AS c FROM generate_series(1, {messages}) AS i) s",
    "SELECT setval(pg_get_serial_sequence('contacts', 'id'), {contacts})",
    "SELECT setval(pg_get_serial_sequence('sessions', 'id'), {contacts})",
    "SELECT setval(pg_get_serial_sequence('interactions', 'id'), {contacts})",
    "SELECT setval(pg_get_serial_sequence('messages', 'id'), {messages})",
]

# The other tables that grow with traffic, at their share of 1,000,000 messages: one stored
# webhook per five messages, one sent outbox row per two outbound messages, two state changes
# per interaction, an attachment per fifty messages.
_GROWN = [
    "INSERT INTO inbound_log (id, received_at, body, state, attempts, processed_at) "
    "SELECT i, :at, {blob}, 'processed', 0, :at FROM {series} WHERE i <= {messages} / 5",
    "INSERT INTO outbox (id, kind, message_id, to_wa_id, payload, state, attempts, "
    "next_attempt_at, created_at, sent_at) "
    "SELECT i, 'message', i * 4, '5521', {empty}, 'sent', 1, :at, :at, :at "
    "FROM {series} WHERE i <= {messages} / 4",
    "INSERT INTO interaction_events (interaction_id, from_state, to_state, reason, at) "
    "SELECT id, 'queued', 'active', 'accepted', :at FROM interactions",
    "INSERT INTO interaction_events (interaction_id, from_state, to_state, reason, at) "
    "SELECT id, 'active', 'done', 'done', :at FROM interactions",
    "INSERT INTO attachments (id, direction, state, kind, mime_type, filename, voice, animated, "
    "contact_id, message_id, attempts, created_at, updated_at) "
    "SELECT i, 'in', 'ready', 'image', 'image/jpeg', 'photo.jpg', {false}, {false}, "
    "(i * 50 - 1) % {contacts} + 1, i * 50, 0, :at, :at FROM {series} WHERE i <= {messages} / 50",
]
_SEQUENCES = [
    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
    for table in ("inbound_log", "outbox", "interaction_events", "attachments")
]
_SERIES = {
    "sqlite": "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < {messages}) SELECT i FROM n) AS s",
    "postgresql": "generate_series(1, {messages}) AS s(i)",
}
_WORDS = {
    "sqlite": {"blob": "x'7b7d'", "empty": "'{{}}'", "false": "0"},
    "postgresql": {"blob": "'\\x7b7d'::bytea", "empty": "'{{}}'::jsonb", "false": "false"},
}


def _grown(dialect: str) -> list[str]:
    words = {"series": _SERIES[dialect], **_WORDS[dialect]}
    return [step.replace("{series}", words["series"]).format_map(_Keep(words)) for step in _GROWN]


class _Keep(dict[str, str]):
    """format_map that leaves {contacts} and {messages} for the second pass."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


async def fill_history(url: str, data_dir: Path, *, contacts: int, messages: int) -> None:
    """Add `messages` messages of `contacts` contacts (and the rows such traffic leaves in the
    other growing tables) to an empty, migrated database."""
    settings = Settings(database_url=url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    # PostgreSQL is ANALYZEd, as autovacuum does to a live database. SQLite is not: Parley never
    # runs ANALYZE there, and without its statistics SQLite's planner does not look at table
    # sizes, so its plans here are the ones a node of any size gets.
    if url.startswith("postgresql"):
        steps = [*_FILL_POSTGRES, *_grown("postgresql"), *_SEQUENCES, "ANALYZE"]
    else:
        steps = [*_FILL_SQLITE, *_grown("sqlite")]
    at = AT.replace(tzinfo=None) if url.startswith("sqlite") else AT
    async with engine.begin() as connection:
        for step in steps:
            sql = step.format(contacts=contacts, messages=messages)
            await connection.execute(text(sql), {"at": at} if ":at" in sql else {})
    await engine.dispose()
