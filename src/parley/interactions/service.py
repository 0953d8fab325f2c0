"""What an agent does with an interaction: accept, reject, mark done; and its shared helpers.

Sends live in `sending`, reactions in `reactions`, read receipts and typing in `receipts`, the
closing lines of earlier interactions in `transcript`, the state history in `history`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import column, insert, select, table

from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain.codes import match_code
from parley.domain.interactions import HELD, TransitionError, check_transition
from parley.domain.roles import sees_every_interaction
from parley.domain.workbins import WorkbinAccess, can_see
from parley.errors import Conflict, Invalid, NotFound
from parley.interactions.events import InteractionOffered, InteractionRemoved, InteractionUpdated
from parley.interactions.models import Interaction, InteractionEvent
from parley.interactions.schemas import InteractionOut
from parley.teams.service import team_ids_of, workbin_teams
from parley.workers.wake import Wake


async def access_interaction(
    uow: UnitOfWork, user: User, interaction_id: int, *, for_update: bool = False
) -> Interaction:
    """Load an interaction the user may see: their own, one parked in a workbin they see, or any
    for supervisors and admins.

    Actions load it `for_update`: the row lock (PostgreSQL) keeps a concurrent ingest from
    overwriting what the action changes, and makes message ids grow in commit order per contact.
    """
    interaction = await uow.session.get(Interaction, interaction_id, with_for_update=for_update)
    if interaction is None or not (
        sees_every_interaction(user.role)
        or interaction.agent_id == user.id
        or await _parked_where_they_see(uow, user, interaction)
    ):
        raise NotFound("No such interaction.")
    return interaction


# The workbins feature sits above this one: its table is named by the columns the rule needs.
_workbins = table("workbins", column("id"), column("kind"), column("owner_id"))


async def _parked_where_they_see(uow: UnitOfWork, user: User, interaction: Interaction) -> bool:
    """A parked interaction is the business of whoever sees its workbin (to read and Open it)."""
    if interaction.state != "parked" or interaction.workbin_id is None:
        return False
    query = select(_workbins.c.kind, _workbins.c.owner_id).where(
        _workbins.c.id == interaction.workbin_id
    )
    row = (await uow.session.execute(query)).first()
    if row is None:
        return False
    kind, owner_id = row
    used_by = await workbin_teams(uow.session, [interaction.workbin_id])
    access = WorkbinAccess(
        kind="shared" if kind == "shared" else "personal",
        owner_id=owner_id,
        team_ids=used_by.get(interaction.workbin_id, frozenset()),
    )
    return can_see(access, user.id, False, await team_ids_of(uow.session, user.id))


def require_active(user: User, interaction: Interaction, action: str = "send") -> None:
    if interaction.state != "active" or interaction.agent_id != user.id:
        raise Conflict(
            f"Only an active interaction you hold can {action}.", code="interaction_not_active"
        )


async def interaction_out(uow: UnitOfWork, interaction: Interaction) -> InteractionOut:
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None
    return InteractionOut.of(interaction, contact)


def transition(
    uow: UnitOfWork,
    interaction: Interaction,
    target: str,
    now: datetime,
    *,
    agent_id: int | None,
    reason: str,
    note: str | None = None,
    history: list[dict[str, Any]] | None = None,
) -> None:
    """Move to `target`, record the history row and bump the version (no event).

    `reason` is the kind of change (`parked`, `routed`, …); `note` the words of why, when there
    are some (the agent's park reason, "Logged out", "Disconnected"). `history`: the history row
    is added to it, for the caller to store with others in one statement (`record_history`)."""
    try:
        check_transition(interaction.state, target)
    except TransitionError as exc:
        raise Conflict(
            str(exc).capitalize() + ".", code=f"interaction_{interaction.state}"
        ) from None
    if target == "active" and agent_id is not None:
        interaction.handled_by_id = agent_id  # whoever takes it on handles it from now
    row = {
        "interaction_id": interaction.id,
        "from_state": interaction.state,
        "to_state": target,
        "agent_id": agent_id,
        "reason": reason,
        "note": note[:200] if note else None,
        "at": now,
    }
    if history is not None:
        history.append(row)
    else:
        uow.session.add(InteractionEvent(**row))
    interaction.state = target
    interaction.updated_at = now
    interaction.version += 1


async def record_history(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Store the history rows `transition` gathered, with one statement: the ORM inserts them
    one at a time to learn their ids, which nobody reads here."""
    if rows:
        await uow.session.execute(insert(InteractionEvent), rows)


async def publish_interaction(
    uow: UnitOfWork, interaction: Interaction, *, offered: bool = False
) -> None:
    out = await interaction_out(uow, interaction)
    event = InteractionOffered(interaction=out) if offered else InteractionUpdated(interaction=out)
    uow.emit(event, to=interaction.agent_id)


async def list_mine(uow: UnitOfWork, user: User) -> list[InteractionOut]:
    rows = await uow.session.execute(
        select(Interaction, Contact)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Interaction.agent_id == user.id, Interaction.state.in_(HELD))
        .order_by(Interaction.created_at)
    )
    return [InteractionOut.of(i, c) for i, c in rows]


async def accept_offer(uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction) -> None:
    if interaction.state != "offered" or interaction.agent_id != user.id:
        raise Conflict("This interaction is no longer offered to you.", code="not_offered")
    now = clock.now()
    user.missed_offers = 0
    transition(uow, interaction, "active", now, agent_id=user.id, reason="accepted")
    interaction.accepted_at = now
    await publish_interaction(uow, interaction)


async def reject_offer(uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction) -> None:
    if interaction.state != "offered" or interaction.agent_id != user.id:
        raise Conflict("This interaction is no longer offered to you.", code="not_offered")
    user.missed_offers = 0  # an answer, if a no: the agent is at the desk
    requeue(uow, clock.now(), interaction, reason="rejected")


def requeue(uow: UnitOfWork, now: datetime, interaction: Interaction, *, reason: str) -> None:
    previous = interaction.agent_id
    transition(uow, interaction, "queued", now, agent_id=previous, reason=reason)
    interaction.agent_id = None
    interaction.queued_at = now
    uow.wake(Wake.ROUTING)
    if previous is not None:
        uow.emit(InteractionRemoved(interaction_id=interaction.id, reason=reason), to=previous)


async def mark_done(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    *,
    disposition: str | None,
    note: str | None,
    dispositions: Mapping[str, int] | tuple[str, ...] = (),
    disposition_required: bool = False,
) -> None:
    """Close the interaction with a disposition code from the configured list (if any).

    Only its agent closes it, once accepted: a supervisor who could would pull a conversation
    out from under the agent, and an offer marked done would skip the agent's acceptance.
    """
    if interaction.state != "done":  # done twice: the transition answers interaction_done
        require_active(user, interaction, "be marked done")
    code = _disposition(disposition, tuple(dispositions), disposition_required)
    now = clock.now()
    transition(uow, interaction, "done", now, agent_id=user.id, reason="done")
    interaction.done_at = now
    interaction.disposition = code
    # The code's id (when the list gives one) keeps it "used" through a later rename.
    ids = dispositions if isinstance(dispositions, Mapping) else {}
    interaction.disposition_code_id = ids.get(code) if code is not None else None
    interaction.note = note.strip() or None if note else None
    interaction.pending_since = None
    uow.wake(Wake.ROUTING)  # the agent has room for another
    await publish_interaction(uow, interaction)
    if interaction.agent_id is not None:
        uow.emit(
            InteractionRemoved(interaction_id=interaction.id, reason="done"),
            to=interaction.agent_id,
        )


def _disposition(value: str | None, allowed: tuple[str, ...], required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise Invalid("Choose a disposition to mark this done.", code="disposition_required")
        return None
    code = match_code(value, allowed)
    if code is None:
        raise Invalid(
            f"Unknown disposition; choose one of: {', '.join(allowed) or 'none configured'}.",
            code="unknown_disposition",
        )
    return code


async def release_offers(uow: UnitOfWork, clock: Clock, user: User) -> None:
    """An agent leaving gives back what was offered but not yet accepted."""
    offered = await uow.session.scalars(
        select(Interaction).where(Interaction.agent_id == user.id, Interaction.state == "offered")
    )
    for interaction in offered:
        requeue(uow, clock.now(), interaction, reason="agent_left")
