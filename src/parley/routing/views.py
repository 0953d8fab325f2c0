"""Thin routes for presence and assignment: an agent leaving (log out), a supervisor moving work
to an agent."""

from __future__ import annotations

from fastapi import APIRouter, Response

from parley.auth.models import User
from parley.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    CurrentAuth,
    CurrentUser,
    PathId,
    RuntimeDep,
    Uow,
)
from parley.domain.roles import sees_every_interaction
from parley.errors import Forbidden, NotFound
from parley.interactions.schemas import InteractionOut
from parley.interactions.service import access_interaction, interaction_out
from parley.routing.presence import log_out
from parley.routing.service import move_to_agent
from parley.teams.service import visible_agent_ids
from parley.workbins.schemas import AssignIn

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/logout", status_code=204)
async def logout(auth: CurrentAuth, response: Response, uow: Uow, runtime: RuntimeDep) -> None:
    user, token = auth
    await log_out(uow, runtime.clock, user, token, capacity=runtime.settings.agent_capacity)
    await uow.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post("/interactions/{interaction_id}/assign", response_model=InteractionOut)
async def assign(
    interaction_id: PathId,
    body: AssignIn,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
) -> InteractionOut:
    """Supervisors and admins move an interaction that is not done to an agent: offered to
    them, within their capacity (409 `at_capacity`)."""
    if not sees_every_interaction(user.role):
        raise Forbidden("Only supervisors and admins move work between agents.")
    interaction = await access_interaction(uow, user, interaction_id, for_update=True)
    agent = await uow.session.get(User, body.agent_id)
    if agent is None:
        raise NotFound("No such agent.", code="agent_not_found")
    visible = await visible_agent_ids(uow.session, user)
    holder = interaction.agent_id
    if visible is not None and (
        agent.id not in visible or (holder is not None and holder not in visible)
    ):
        raise Forbidden(
            "You move work only between the agents of your teams.", code="outside_scope"
        )
    capacity = runtime.settings.agent_capacity
    await move_to_agent(uow, runtime.clock, interaction, agent, capacity=capacity, by=user)
    out = await interaction_out(uow, interaction)
    await uow.commit()
    return out
