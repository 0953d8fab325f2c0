"""Thin routes for the floor: its snapshot, setting an agent's status, monitoring a conversation.

Supervisors and admins only (403 for agents). Moving work uses the existing
`POST /interactions/{id}/assign` and `POST /interactions/{id}/workbin`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from parley.auth.models import User
from parley.auth.schemas import UserOut
from parley.codes.service import active_labels
from parley.deps import CurrentUser, PathId, RuntimeDep, Uow
from parley.domain.roles import watches_the_floor
from parley.errors import Forbidden, NotFound
from parley.floor import actions
from parley.floor.cache import FiguresCache
from parley.floor.periods import parse_moment, start_of_day
from parley.floor.schemas import AgentStatusIn, FloorOut
from parley.floor.scope import in_scope, visible_agent_ids
from parley.floor.service import DayFigures, floor_snapshot
from parley.interactions.schemas import InteractionOut
from parley.interactions.service import access_interaction, interaction_out

router = APIRouter(prefix="/api/v1", tags=["floor"])


def require_floor(user: User) -> None:
    if not watches_the_floor(user.role):
        raise Forbidden("Only supervisors and admins see the floor.")


@router.get("/floor", response_model=FloorOut)
async def floor(
    request: Request,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    since: Annotated[
        str | None,
        Query(
            description="Start of the figures' day, ISO (the desk's local midnight); "
            "default today 00:00 UTC."
        ),
    ] = None,
) -> FloorOut:
    """The floor now: the queue, agents, workbins, and the day's figures per 15 minutes.
    `WS /api/v1/events` keeps it live (`interaction.*`, `agent.updated`, `workbin.*`)."""
    require_floor(user)
    now = runtime.clock.now()
    start = parse_moment(since, "since") if since else start_of_day(now)
    return await floor_snapshot(
        uow,
        now,
        since=start,
        capacity=runtime.settings.agent_capacity,
        threshold_seconds=runtime.settings.service_level_seconds,
        agents=await visible_agent_ids(uow, user),
        cache=figures_cache(request),
    )


def figures_cache(request: Request) -> FiguresCache[DayFigures]:
    """This app's cache of the day's figures (made on first use)."""
    state = request.app.state
    if not hasattr(state, "floor_figures"):
        state.floor_figures = FiguresCache[DayFigures]()
    cache: FiguresCache[DayFigures] = state.floor_figures
    return cache


@router.put("/agents/{agent_id}/status", response_model=UserOut)
async def set_agent_status(
    agent_id: PathId, body: AgentStatusIn, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> UserOut:
    """A supervisor sets an agent Ready, or Not Ready with a reason (`GET /config`'s
    `not_ready_reasons`); the agent's desktop says who did it. 409 `agent_unavailable` for a
    logged-out agent or a user who is not an agent; 422 `unknown_reason`."""
    require_floor(user)
    agent = await uow.session.get(User, agent_id, with_for_update=True)
    if agent is None or not in_scope(await visible_agent_ids(uow, user), agent.id):
        raise NotFound("No such agent.", code="agent_not_found")
    settings = runtime.settings
    await actions.set_agent_status(
        uow,
        runtime.clock,
        user,
        agent,
        body.status,
        body.reason,
        reasons=await active_labels(uow, "not_ready_reason"),
        capacity=settings.agent_capacity,
    )
    out = UserOut.of(agent, settings.agent_capacity)
    await uow.commit()
    return out


@router.post("/interactions/{interaction_id}/monitor", response_model=InteractionOut)
async def monitor(
    interaction_id: PathId, user: CurrentUser, uow: Uow, runtime: RuntimeDep
) -> InteractionOut:
    """Monitor: a supervisor opens any interaction read-only (its messages through
    `GET /interactions/{id}/messages`, live through the event stream). Recorded in the audit
    log; nothing else changes."""
    require_floor(user)
    interaction = await access_interaction(uow, user, interaction_id)
    await actions.monitor(uow, runtime.clock, user, interaction)
    out = await interaction_out(uow, interaction)
    await uow.commit()
    return out
