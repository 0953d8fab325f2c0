"""What a supervisor does on the floor besides moving work (routing's `move_to_agent`, the
workbins' `move_to_workbin`): set an agent's status, monitor a conversation. Each action is
recorded in the audit log in the caller's transaction."""

from __future__ import annotations

from parley.audit.service import record_action
from parley.auth import service as auth
from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.contacts.schemas import display_name
from parley.db.uow import UnitOfWork
from parley.errors import Conflict
from parley.interactions.models import Interaction
from parley.interactions.service import release_offers


async def set_agent_status(
    uow: UnitOfWork,
    clock: Clock,
    supervisor: User,
    agent: User,
    status: str,
    reason: str | None,
    *,
    reasons: tuple[str, ...],
    capacity: int,
) -> bool:
    """Set a logged-in agent Ready, or Not Ready with a reason from `reasons`; the agent's
    desktop is told who did it. Not Ready hands the agent's pending offers back to the queue
    (their customers should not wait on someone taken off the floor). Returns False when
    nothing changed (a repeated request, nothing recorded).

    Errors: 409 `agent_unavailable` (not an agent, or logged out), 422 `unknown_reason`."""
    if agent.role != "agent":
        raise Conflict(f"{agent.name} is a {agent.role}, not an agent.", code="agent_unavailable")
    if agent.status == "logged_out":
        raise Conflict(f"{agent.name} is not logged in.", code="agent_unavailable")
    before = (agent.status, agent.status_reason)
    auth.set_status(uow, clock, agent, status, reason, reasons=reasons)
    if (agent.status, agent.status_reason) == before:
        return False
    words = "Ready" if status == "ready" else "Not Ready"
    if agent.status_reason:
        words += f" ({agent.status_reason})"
    if status == "not_ready":
        await release_offers(uow, clock, agent)
    auth.announce(uow, agent, capacity, notice=f"Set {words} by {supervisor.name}")
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=supervisor.id,
        action=f"agent.{status}",
        subject_type="user",
        subject_id=agent.id,
        summary=f"{supervisor.name} set {agent.name} {words}",
        detail={"from": list(before), "to": [agent.status, agent.status_reason]},
    )
    return True


async def monitor(
    uow: UnitOfWork, clock: Clock, supervisor: User, interaction: Interaction
) -> None:
    """A supervisor opens a conversation read-only: recorded, nothing else changes (the agent
    is not told; the transcript and its events are already theirs to read)."""
    contact = await uow.session.get(Contact, interaction.contact_id)
    who = display_name(contact) if contact is not None else f"interaction {interaction.id}"
    holder = await uow.session.get(User, interaction.agent_id) if interaction.agent_id else None
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=supervisor.id,
        action="interaction.monitored",
        subject_type="interaction",
        subject_id=interaction.id,
        summary=f"{supervisor.name} monitored {who}"
        + (f" with {holder.name}" if holder is not None else f" ({interaction.state})"),
        detail={"state": interaction.state, "agent_id": interaction.agent_id},
    )
