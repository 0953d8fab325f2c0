"""Parking interactions in workbins and taking them out again.

`move_to_workbin` parks (the agent's Move to Workbin, or a supervisor moving work), `open_item`
brings one back to the opener's desktop within capacity, `park_held` empties an agent's desktop
into their personal workbin (logout, a lost desktop), and `leave_on_inbound` hands a parked
interaction back to routing when the contact writes again. Services never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Subquery, case, func, select

from parley.audit.service import record_action
from parley.auth.models import User
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.contacts.schemas import ContactOut, display_name
from parley.db.uow import UnitOfWork
from parley.domain import workbins as rules
from parley.domain.interactions import HELD
from parley.domain.roles import sees_every_interaction
from parley.errors import Conflict, Forbidden, Invalid, NotFound
from parley.interactions.events import InteractionRemoved, InteractionUpdated
from parley.interactions.models import Interaction
from parley.interactions.schemas import InteractionOut, LastMessage
from parley.interactions.service import interaction_out, transition
from parley.messages.schemas import Author
from parley.teams.service import team_ids_of, workbin_audience, workbin_teams
from parley.workbins.events import (
    WorkbinItemRemoved,
    WorkbinItemUpdated,
)
from parley.workbins.models import Workbin
from parley.workbins.schemas import WorkbinItemOut, WorkbinOut
from parley.workers.wake import Wake


def _access(workbin: Workbin, teams: frozenset[int] = frozenset()) -> rules.WorkbinAccess:
    kind: rules.Kind = "personal" if workbin.kind == "personal" else "shared"
    return rules.WorkbinAccess(kind=kind, owner_id=workbin.owner_id, team_ids=teams)


async def _viewer_teams(uow: UnitOfWork, user: User) -> frozenset[int]:
    """The teams whose shared workbins an agent sees (staff see every workbin anyway)."""
    if sees_every_interaction(user.role):
        return frozenset()
    return await team_ids_of(uow.session, user.id)


async def _workbin_access(uow: UnitOfWork, workbin: Workbin) -> rules.WorkbinAccess:
    teams = await workbin_teams(uow.session, [workbin.id]) if workbin.kind == "shared" else {}
    return _access(workbin, teams.get(workbin.id, frozenset()))


async def personal_workbin(uow: UnitOfWork, clock: Clock, owner: User) -> Workbin:
    """The agent's own workbin, made the first time it is needed."""
    found = await uow.session.scalar(select(Workbin).where(Workbin.owner_id == owner.id))
    if found is not None:
        return found
    workbin = Workbin(
        name=rules.PERSONAL_NAME, kind="personal", owner_id=owner.id, created_at=clock.now()
    )
    uow.session.add(workbin)
    await uow.session.flush()
    return workbin


async def _personal_for_every_agent(uow: UnitOfWork, clock: Clock) -> None:
    missing = await uow.session.scalars(
        select(User)
        .outerjoin(Workbin, Workbin.owner_id == User.id)
        .where(User.role == "agent", Workbin.id.is_(None))
    )
    for agent in missing:
        await personal_workbin(uow, clock, agent)


async def workbin_out(uow: UnitOfWork, workbin: Workbin) -> WorkbinOut:
    """One workbin as the API shows it, with its count and oldest item."""
    count, oldest = (
        await uow.session.execute(
            select(func.count(), func.min(Interaction.parked_at)).where(
                Interaction.workbin_id == workbin.id, Interaction.state == "parked"
            )
        )
    ).one()
    owner = await uow.session.get(User, workbin.owner_id) if workbin.owner_id else None
    return WorkbinOut(
        id=workbin.id,
        name=workbin.name,
        kind=workbin.kind,
        owner=Author(id=owner.id, name=owner.name) if owner else None,
        description=workbin.description,
        item_count=count or 0,
        oldest_parked_at=oldest,
    )


async def access_workbin(uow: UnitOfWork, user: User, workbin_id: int) -> Workbin:
    """A workbin the user may see (404 otherwise, as for any resource not theirs)."""
    workbin = await uow.session.get(Workbin, workbin_id)
    staff = sees_every_interaction(user.role)
    if workbin is None or not rules.can_see(
        await _workbin_access(uow, workbin), user.id, staff, await _viewer_teams(uow, user)
    ):
        raise NotFound("No such workbin.", code="workbin_not_found")
    return workbin


def parked_counts() -> Subquery:
    """Per workbin: how many interactions are parked in it (`n`) and since when the oldest
    (`oldest`); workbins with none have no row."""
    return (
        select(
            Interaction.workbin_id,
            func.count().label("n"),
            func.min(Interaction.parked_at).label("oldest"),
        )
        .where(Interaction.state == "parked")
        .group_by(Interaction.workbin_id)
        .subquery()
    )


async def list_workbins(uow: UnitOfWork, clock: Clock, user: User) -> list[WorkbinOut]:
    """The workbins the user sees, theirs first, with how many items wait in each. Every agent's
    own workbin exists by then (made here the first time anyone looks)."""
    await _personal_for_every_agent(uow, clock)
    counts = parked_counts()
    rows = await uow.session.execute(
        select(Workbin, User.name, counts.c.n, counts.c.oldest)
        .outerjoin(User, User.id == Workbin.owner_id)
        .outerjoin(counts, counts.c.workbin_id == Workbin.id)
        .order_by(
            case((Workbin.owner_id == user.id, 0), else_=1),  # NULL-safe: theirs first
            Workbin.kind.desc(),
            User.name,
            Workbin.name,
        )
    )
    staff = sees_every_interaction(user.role)
    mine, used_by = await _viewer_teams(uow, user), await workbin_teams(uow.session)
    return [
        WorkbinOut(
            id=w.id,
            name=w.name,
            kind=w.kind,
            owner=Author(id=w.owner_id, name=owner or "") if w.owner_id else None,
            description=w.description,
            item_count=n or 0,
            oldest_parked_at=oldest,
        )
        for w, owner, n, oldest in rows.all()
        if rules.can_see(_access(w, used_by.get(w.id, frozenset())), user.id, staff, mine)
    ]


async def list_items(uow: UnitOfWork, workbin: Workbin) -> list[WorkbinItemOut]:
    """Everything parked in `workbin`, longest parked first."""
    rows = await uow.session.execute(
        select(Interaction, Contact)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Interaction.workbin_id == workbin.id, Interaction.state == "parked")
        .order_by(Interaction.parked_at, Interaction.id)
    )
    pairs = list(rows.all())
    names = await _names(uow, {i.parked_by_id for i, _ in pairs if i.parked_by_id})
    return [item_out(i, c, names) for i, c in pairs]


async def _names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await uow.session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids))))
    return {user_id: name for user_id, name in rows.all()}


def item_out(interaction: Interaction, contact: Contact, names: dict[int, str]) -> WorkbinItemOut:
    assert interaction.workbin_id is not None
    by = interaction.parked_by_id
    return WorkbinItemOut(
        interaction_id=interaction.id,
        workbin_id=interaction.workbin_id,
        session_id=interaction.session_id,
        contact=ContactOut.of(contact),
        last_message=LastMessage.model_validate(interaction.last_message)
        if interaction.last_message
        else None,
        last_message_at=interaction.last_message_at,
        pending_since=interaction.pending_since,
        parked_at=interaction.parked_at,
        parked_by=Author(id=by, name=names.get(by, "")) if by else None,
        reason=interaction.park_reason,
        version=interaction.version,
    )


async def move_to_workbin(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    *,
    workbin_id: int | None,
    reason: str | None,
) -> Workbin:
    """Park the interaction: it leaves the holder's desktop and capacity; the session stays open
    for the customer. An agent parks what they hold, in their own workbin (the default) or a
    shared one; a supervisor moves any interaction that is not done into any workbin."""
    staff = sees_every_interaction(user.role)
    if not staff and (interaction.agent_id != user.id or interaction.state != "active"):
        raise Conflict(
            "Only an active interaction you hold can be moved to a workbin.",
            code="interaction_not_active",
        )
    if workbin_id is None:
        owner = await _default_owner(uow, user, interaction)
        workbin = await personal_workbin(uow, clock, owner)
    else:
        workbin = await access_workbin(uow, user, workbin_id)
    access = await _workbin_access(uow, workbin)
    if not rules.can_park_in(access, user.id, staff, await _viewer_teams(uow, user)):
        raise Forbidden("You cannot park in another agent's workbin.", code="workbin_forbidden")
    if interaction.state == "parked" and interaction.workbin_id == workbin.id:
        return workbin  # already there: a repeated request
    if staff and interaction.agent_id != user.id:
        notice = await _record_staff_move(uow, clock.now(), user, interaction, workbin)
    else:
        notice = None
    await park(uow, clock.now(), interaction, workbin, by=user, reason=reason, notice=notice)
    return workbin


async def _record_staff_move(
    uow: UnitOfWork, now: datetime, user: User, interaction: Interaction, workbin: Workbin
) -> str:
    """A supervisor moved someone else's work (or queued work) into a workbin: the audit log
    keeps who, what and when; the returned line is what the agent who held it is told."""
    owner = await uow.session.get(User, workbin.owner_id) if workbin.owner_id else None
    kind: rules.Kind = "personal" if workbin.kind == "personal" else "shared"
    where = rules.returned_label(kind, workbin.name, owner.name if owner else None)
    contact = await uow.session.get(Contact, interaction.contact_id)
    who = display_name(contact) if contact is not None else f"interaction {interaction.id}"
    holder = await uow.session.get(User, interaction.agent_id) if interaction.agent_id else None
    source = f" from {holder.name}" if holder is not None else ""
    record_action(
        uow.session,
        at=now,
        actor_id=user.id,
        action="interaction.moved_to_workbin",
        subject_type="interaction",
        subject_id=interaction.id,
        summary=f"{user.name} moved {who}{source} to {where}",
        detail={
            "from_agent_id": interaction.agent_id,
            "from_state": interaction.state,
            "workbin_id": workbin.id,
        },
    )
    return f"Chat with {who} moved to {where} by {user.name}"


async def _default_owner(uow: UnitOfWork, user: User, interaction: Interaction) -> User:
    """Whose personal workbin an unnamed move goes to: the agent's own; for a supervisor, the
    holder's (an interaction nobody holds needs its workbin named)."""
    if user.role == "agent" or interaction.agent_id == user.id:
        return user
    holder = await uow.session.get(User, interaction.agent_id) if interaction.agent_id else None
    if holder is None:
        raise Invalid("Name the workbin to move this interaction to.", code="workbin_required")
    return holder


async def park(
    uow: UnitOfWork,
    now: datetime,
    interaction: Interaction,
    workbin: Workbin,
    *,
    by: User,
    reason: str | None,
    notice: str | None = None,
) -> None:
    """Move the interaction into `workbin`, recorded, and tell everyone concerned (`notice`: what
    the agent who held it reads, when someone else moved it)."""
    holder = interaction.agent_id
    previous_bin = interaction.workbin_id if interaction.state == "parked" else None
    if interaction.state == "parked":
        interaction.updated_at = now
        interaction.version += 1
    else:
        transition(uow, interaction, "parked", now, agent_id=by.id, reason="parked", note=reason)
    interaction.agent_id = None
    interaction.workbin_id = workbin.id
    interaction.parked_by_id = by.id
    interaction.parked_at = now
    interaction.park_reason = (reason or "").strip() or None
    interaction.preferred_agent_id = holder or workbin.owner_id
    interaction.returned_from = None
    if holder is not None:
        removed = InteractionRemoved(interaction_id=interaction.id, reason="parked", notice=notice)
        uow.emit(removed, to=holder)
    if previous_bin is not None and previous_bin != workbin.id:
        await announce_removed(uow, interaction, previous_bin, "moved")
    await _announce_item(uow, interaction, workbin, names={by.id: by.name})
    uow.wake(Wake.ROUTING)  # the holder has room for another


async def open_item(
    uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction, *, capacity: int
) -> None:
    """Bring a parked interaction back to the user's desktop, active (409 at capacity)."""
    if interaction.state != "parked" or interaction.workbin_id is None:
        raise Conflict("This interaction is not in a workbin.", code="not_parked")
    workbin = await access_workbin(uow, user, interaction.workbin_id)
    held = await uow.session.scalar(
        select(func.count()).where(Interaction.agent_id == user.id, Interaction.state.in_(HELD))
    )
    limit = user.capacity or capacity
    if not rules.has_capacity(held or 0, limit):
        raise Conflict(
            f"You already hold {held} of {limit} interactions: finish or park one to open this.",
            code="at_capacity",
        )
    now = clock.now()
    transition(uow, interaction, "active", now, agent_id=user.id, reason="opened")
    unpark(interaction)
    interaction.agent_id = user.id
    interaction.offered_at = now
    interaction.accepted_at = now
    await announce_removed(uow, interaction, workbin.id, "opened")
    out = await interaction_out(uow, interaction)
    uow.emit(InteractionUpdated(interaction=out), to=user.id)


async def park_held(uow: UnitOfWork, clock: Clock, agent: User, *, reason: str) -> int:
    """Every active interaction the agent holds goes to their personal workbin (logout, a lost
    desktop); returns how many. Offers are not parked: the caller gives them back to the queue."""
    held = list(
        await uow.session.scalars(
            select(Interaction)
            .where(Interaction.agent_id == agent.id, Interaction.state == "active")
            .order_by(Interaction.id)
            .with_for_update()
        )
    )
    if not held:
        return 0
    workbin = await personal_workbin(uow, clock, agent)
    for interaction in held:
        await park(uow, clock.now(), interaction, workbin, by=agent, reason=reason)
    return len(held)


async def leave_on_inbound(
    uow: UnitOfWork, interaction: Interaction, now: datetime, *, prefer_previous: bool
) -> None:
    """The contact wrote to a parked interaction: it leaves its workbin for routing, offered
    first to the agent who parked it when `prefer_previous`."""
    workbin = (
        await uow.session.get(Workbin, interaction.workbin_id) if interaction.workbin_id else None
    )
    transition(uow, interaction, "queued", now, agent_id=None, reason="contact_wrote")
    interaction.agent_id = None
    interaction.queued_at = now
    if workbin is not None:
        owner = await uow.session.get(User, workbin.owner_id) if workbin.owner_id else None
        kind: rules.Kind = "personal" if workbin.kind == "personal" else "shared"
        interaction.returned_from = rules.returned_label(
            kind, workbin.name, owner.name if owner else None
        )
        await announce_removed(uow, interaction, workbin.id, "contact_wrote")
    unpark(interaction, keep_preference=prefer_previous)


def unpark(interaction: Interaction, *, keep_preference: bool = False) -> None:
    interaction.workbin_id = None
    interaction.parked_by_id = None
    interaction.parked_at = None
    interaction.park_reason = None
    if not keep_preference:
        interaction.preferred_agent_id = None


async def _announce_item(
    uow: UnitOfWork, interaction: Interaction, workbin: Workbin, names: dict[int, str]
) -> None:
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None
    event = WorkbinItemUpdated(item=item_out(interaction, contact, names))
    await _emit_to_watchers(uow, event, workbin)
    uow.emit(InteractionUpdated(interaction=InteractionOut.of(interaction, contact)))


async def announce_removed(
    uow: UnitOfWork, interaction: Interaction, workbin_id: int, reason: str
) -> None:
    workbin = await uow.session.get(Workbin, workbin_id)
    event = WorkbinItemRemoved(interaction_id=interaction.id, workbin_id=workbin_id, reason=reason)
    if workbin is not None:
        await _emit_to_watchers(uow, event, workbin)


async def _emit_to_watchers(
    uow: UnitOfWork, event: WorkbinItemUpdated | WorkbinItemRemoved, workbin: Workbin
) -> None:
    """A personal workbin's owner and the staff hear of it; a shared one's, whoever sees it
    (everyone, or its teams' members and the agents in no team: `teams.service`)."""
    if workbin.kind != "shared":
        uow.emit(event, to=workbin.owner_id)
        return
    audience = await workbin_audience(uow.session, workbin.id)
    if audience is None:
        uow.emit(event, everyone=True)
    else:
        uow.emit(event, users=audience)
