"""Sessions end: a conversation nobody touched for the timeout is closed, so the contact's next
message starts a new session and interaction (and the transcript shows both)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.interactions.models import ChatSession, Interaction
from parley.interactions.service import publish_interaction, transition
from parley.workbins.service import announce_removed, unpark

BATCH = 200
IDLE_STATES = ("parked", "queued")  # nobody holds them; a held one is the agent's to close


async def close_idle_sessions(uow: UnitOfWork, clock: Clock, *, timeout_seconds: int) -> int:
    """Close parked and queued interactions with no message either way for `timeout_seconds`:
    state `done` (reason `inactive`), the session's `closed_at` written. Returns how many."""
    now = clock.now()
    cutoff = now - timedelta(seconds=timeout_seconds)
    query = (
        select(Interaction)
        .where(
            Interaction.state.in_(IDLE_STATES),
            func.coalesce(Interaction.last_message_at, Interaction.created_at) < cutoff,
        )
        .order_by(Interaction.id)
        .limit(BATCH)
    )
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    idle = list(await uow.session.scalars(query))
    for interaction in idle:
        if interaction.workbin_id is not None:
            await announce_removed(uow, interaction, interaction.workbin_id, "closed")
        transition(uow, interaction, "done", now, agent_id=None, reason="inactive")
        unpark(interaction)
        interaction.done_at = now
        interaction.pending_since = None
        session = await uow.session.get(ChatSession, interaction.session_id)
        if session is not None and session.closed_at is None:
            session.closed_at = now
        await publish_interaction(uow, interaction)
    return len(idle)
