"""Teams: who is in which, which shared workbins each uses, and what a supervisor watches.

Read by the features above (workbins, history, routing, the floor) through `team_ids_of`,
`workbin_teams`, `workbin_audience` and `visible_agent_ids`; written by admins through
`create_team`, `update_team`, `delete_team` and `set_user_teams`, each recorded in the audit log
in the caller's transaction. Services never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import column, delete, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from parley.audit.service import record_action
from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.teams import limited_to_teams
from parley.errors import Conflict, Invalid, NotFound
from parley.teams.events import TeamRemoved, TeamUpdated
from parley.teams.models import Team, TeamMember, TeamWorkbin
from parley.teams.schemas import TeamMemberOut, TeamOut, TeamWorkbinOut

# The workbins feature sits above this one: its table is named by the columns teams need.
_workbins = table("workbins", column("id"), column("name"), column("kind"))


async def visible_agent_ids(session: AsyncSession, user: User) -> frozenset[int] | None:
    """The users whose work `user` may watch and steer: None for everyone (admins, supervisors
    whose scope is "all"); for a supervisor limited to their teams, the members of those teams
    and themselves; for an agent, themselves."""
    if user.role == "admin":
        return None
    if user.role == "supervisor" and not limited_to_teams(user.role, user.supervisor_scope):
        return None
    if user.role != "supervisor":
        return frozenset({user.id})
    mine = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    ids = await session.scalars(
        select(TeamMember.user_id).where(TeamMember.team_id.in_(mine)).distinct()
    )
    return frozenset(ids) | {user.id}


async def team_ids_of(session: AsyncSession, user_id: int) -> frozenset[int]:
    ids = await session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id))
    return frozenset(ids)


async def workbin_teams(
    session: AsyncSession, workbin_ids: Collection[int] | None = None
) -> dict[int, frozenset[int]]:
    """The teams using each shared workbin (only workbins some team uses appear)."""
    query = select(TeamWorkbin.workbin_id, TeamWorkbin.team_id)
    if workbin_ids is not None:
        query = query.where(TeamWorkbin.workbin_id.in_(sorted(workbin_ids)))
    found: dict[int, set[int]] = defaultdict(set)
    for workbin_id, team_id in await session.execute(query):
        found[workbin_id].add(team_id)
    return {w: frozenset(t) for w, t in found.items()}


async def workbin_audience(session: AsyncSession, workbin_id: int) -> frozenset[int] | None:
    """Who hears of a shared workbin's items: None for everyone (no team uses it); otherwise the
    users of its teams and every user in no team (staff hear it by role)."""
    teams = (await workbin_teams(session, [workbin_id])).get(workbin_id)
    if not teams:
        return None
    members = select(TeamMember.user_id).where(TeamMember.team_id.in_(sorted(teams)))
    placed = select(TeamMember.user_id)
    ids = await session.scalars(
        select(User.id).where(
            User.active.is_(True), (User.id.in_(members)) | (User.id.not_in(placed))
        )
    )
    return frozenset(ids)


async def list_teams(session: AsyncSession) -> list[TeamOut]:
    teams = list(await session.scalars(select(Team).order_by(Team.name_key, Team.id)))
    return await _outs(session, teams)


async def team_out(session: AsyncSession, team: Team) -> TeamOut:
    return (await _outs(session, [team]))[0]


async def _outs(session: AsyncSession, teams: list[Team]) -> list[TeamOut]:
    ids = [t.id for t in teams]
    members: dict[int, list[TeamMemberOut]] = defaultdict(list)
    bins: dict[int, list[TeamWorkbinOut]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(TeamMember.team_id, User)
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.team_id.in_(ids))
            .order_by(User.name, User.id)
        )
        for team_id, user in rows:
            members[team_id].append(
                TeamMemberOut(id=user.id, name=user.name, username=user.username, role=user.role)
            )
        wrows = await session.execute(
            select(TeamWorkbin.team_id, _workbins.c.id, _workbins.c.name)
            .join(_workbins, _workbins.c.id == TeamWorkbin.workbin_id)
            .where(TeamWorkbin.team_id.in_(ids))
            .order_by(_workbins.c.name)
        )
        for team_id, workbin_id, name in wrows:
            bins[team_id].append(TeamWorkbinOut(id=workbin_id, name=name))
    return [
        TeamOut(
            id=t.id,
            name=t.name,
            description=t.description,
            members=members[t.id],
            workbins=bins[t.id],
            created_at=t.created_at,
        )
        for t in teams
    ]


async def get_team(session: AsyncSession, team_id: int) -> Team:
    team = await session.get(Team, team_id)
    if team is None:
        raise NotFound("No such team.", code="team_not_found")
    return team


async def create_team(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    *,
    name: str,
    description: str | None,
    member_ids: list[int],
    workbin_ids: list[int],
) -> Team:
    await _name_free(uow.session, name)
    team = Team(
        name=name, name_key=name.casefold(), description=description or None, created_at=clock.now()
    )
    uow.session.add(team)
    await uow.session.flush()
    await _set_members(uow.session, team, member_ids)
    await _set_workbins(uow.session, team, workbin_ids)
    out = await team_out(uow.session, team)
    _audit(
        uow,
        clock,
        actor,
        team,
        "created",
        f"{actor.name} created the team “{name}”",
        {
            "members": [m.username for m in out.members],
            "workbins": [w.name for w in out.workbins],
        },
    )
    uow.emit(TeamUpdated(team=out), everyone=True)
    return team


async def update_team(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    team: Team,
    *,
    name: str | None,
    description: str | None,
    member_ids: list[int] | None,
    workbin_ids: list[int] | None,
) -> None:
    """Rename, describe, or replace the members or the workbins (lists given are the whole)."""
    before = await team_out(uow.session, team)
    if name is not None and name != team.name:
        if name.casefold() != team.name_key:
            await _name_free(uow.session, name)
        team.name, team.name_key = name, name.casefold()
    if description is not None:
        team.description = description or None
    if member_ids is not None:
        await _set_members(uow.session, team, member_ids)
    if workbin_ids is not None:
        await _set_workbins(uow.session, team, workbin_ids)
    await uow.session.flush()
    after = await team_out(uow.session, team)
    changes = _changes(before, after)
    if not changes:
        return
    _audit(
        uow,
        clock,
        actor,
        team,
        "updated",
        f"{actor.name} changed the team “{team.name}”",
        {"changes": changes},
    )
    uow.emit(TeamUpdated(team=after), everyone=True)


async def delete_team(uow: UnitOfWork, clock: Clock, actor: User, team: Team) -> None:
    """The team goes; its users and workbins stay (the workbins become everyone's again unless
    another team uses them)."""
    out = await team_out(uow.session, team)
    _audit(
        uow,
        clock,
        actor,
        team,
        "deleted",
        f"{actor.name} deleted the team “{team.name}”",
        {
            "members": [m.username for m in out.members],
            "workbins": [w.name for w in out.workbins],
        },
    )
    await uow.session.execute(delete(TeamMember).where(TeamMember.team_id == team.id))
    await uow.session.execute(delete(TeamWorkbin).where(TeamWorkbin.team_id == team.id))
    await uow.session.delete(team)
    await uow.session.flush()
    uow.emit(TeamRemoved(team_id=team.id), everyone=True)


async def set_user_teams(uow: UnitOfWork, user: User, team_ids: list[int]) -> list[str] | None:
    """Place the user in exactly these teams; returns the team names before, if they changed."""
    wanted = set(team_ids)
    found = set(await uow.session.scalars(select(Team.id).where(Team.id.in_(sorted(wanted)))))
    if missing := wanted - found:
        raise Invalid(
            f"No such team: {', '.join(map(str, sorted(missing)))}.",
            code="team_not_found",
            fields=[{"field": "team_ids", "message": "names a team that does not exist"}],
        )
    current = await team_ids_of(uow.session, user.id)
    if current == wanted:
        return None
    before = await _team_names(uow.session, current)
    await uow.session.execute(
        delete(TeamMember).where(
            TeamMember.user_id == user.id, TeamMember.team_id.not_in(sorted(wanted))
        )
    )
    uow.session.add_all(TeamMember(team_id=t, user_id=user.id) for t in sorted(wanted - current))
    await uow.session.flush()
    for team in await uow.session.scalars(
        select(Team).where(Team.id.in_(sorted(wanted ^ current)))
    ):
        uow.emit(TeamUpdated(team=await team_out(uow.session, team)), everyone=True)
    return before


async def team_names_of(session: AsyncSession, user_id: int) -> list[str]:
    return await _team_names(session, await team_ids_of(session, user_id))


async def _team_names(session: AsyncSession, ids: Iterable[int]) -> list[str]:
    wanted = sorted(ids)
    if not wanted:
        return []
    return list(
        await session.scalars(select(Team.name).where(Team.id.in_(wanted)).order_by(Team.name_key))
    )


async def _set_members(session: AsyncSession, team: Team, user_ids: list[int]) -> None:
    wanted = set(user_ids)
    found = set(await session.scalars(select(User.id).where(User.id.in_(sorted(wanted)))))
    if missing := wanted - found:
        raise Invalid(
            f"No such user: {', '.join(map(str, sorted(missing)))}.",
            code="user_not_found",
            fields=[{"field": "member_ids", "message": "names a user that does not exist"}],
        )
    await session.execute(delete(TeamMember).where(TeamMember.team_id == team.id))
    session.add_all(TeamMember(team_id=team.id, user_id=u) for u in sorted(wanted))
    await session.flush()


async def _set_workbins(session: AsyncSession, team: Team, workbin_ids: list[int]) -> None:
    wanted = set(workbin_ids)
    rows = await session.execute(
        select(_workbins.c.id, _workbins.c.kind).where(_workbins.c.id.in_(sorted(wanted)))
    )
    kinds = {workbin_id: kind for workbin_id, kind in rows}
    if missing := wanted - set(kinds):
        raise Invalid(
            f"No such workbin: {', '.join(map(str, sorted(missing)))}.",
            code="workbin_not_found",
            fields=[{"field": "workbin_ids", "message": "names a workbin that does not exist"}],
        )
    if personal := sorted(w for w, kind in kinds.items() if kind != "shared"):
        raise Invalid(
            "A team uses shared workbins only; an agent's own workbin stays theirs.",
            code="workbin_personal",
            fields=[{"field": "workbin_ids", "message": f"{personal} are personal workbins"}],
        )
    await session.execute(delete(TeamWorkbin).where(TeamWorkbin.team_id == team.id))
    session.add_all(TeamWorkbin(team_id=team.id, workbin_id=w) for w in sorted(wanted))
    await session.flush()


async def _name_free(session: AsyncSession, name: str) -> None:
    taken = await session.scalar(select(Team.id).where(Team.name_key == name.casefold()))
    if taken is not None:
        raise Conflict(f"A team named “{name}” exists already.", code="team_exists")


def _changes(before: TeamOut, after: TeamOut) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    for field in ("name", "description"):
        if getattr(before, field) != getattr(after, field):
            changes[field] = [getattr(before, field), getattr(after, field)]
    for field, key in (("members", "username"), ("workbins", "name")):
        old = [getattr(x, key) for x in getattr(before, field)]
        new = [getattr(x, key) for x in getattr(after, field)]
        if sorted(old) != sorted(new):
            changes[field] = [old, new]
    return changes


def _audit(
    uow: UnitOfWork, clock: Clock, actor: User, team: Team, verb: str, summary: str,
    detail: dict[str, object],
) -> None:  # fmt: skip
    record_action(
        uow.session,
        at=clock.now(),
        actor_id=actor.id,
        action=f"team.{verb}",
        subject_type="team",
        subject_id=team.id,
        summary=summary,
        detail={"name": team.name, **detail},
    )
