"""An agent arriving and leaving: the use cases that span auth, interactions and routing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select, update

from parley.auth import service as auth
from parley.auth.models import AuthToken, User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.presence import DISCONNECTED, stream_gone
from parley.interactions.service import release_offers
from parley.routing.service import serialise_with_routing
from parley.workbins.service import park_held
from parley.workers.wake import Wake


async def log_out(
    uow: UnitOfWork, clock: Clock, user: User, token: AuthToken, *, capacity: int
) -> None:
    """The agent leaves: the login ends (its sockets close), every active interaction goes to
    their personal workbin and offers not yet accepted go back to the queue for the next agent,
    everyone watching hears the new status, routing runs again. One transaction, the caller's."""
    auth.end_login(uow, clock, user, token)
    await park_held(uow, clock, user, reason="Logged out")
    await release_offers(uow, clock, user)
    auth.announce(uow, user, capacity)
    uow.wake(Wake.ROUTING)


async def sign_out_everywhere(
    uow: UnitOfWork, clock: Clock, user: User, *, capacity: int, reason: str
) -> int:
    """Log the user out of every login at once, as if they pressed Log out on each desktop: all
    their auth tokens are revoked (their sockets close on every node), what they hold goes to
    their personal workbin (`reason` says why there), offers go back to the queue, everyone
    watching hears they are logged out. Serialised with routing, so no offer reaches them from a
    decision taken a moment before. Returns how many logins ended."""
    await serialise_with_routing(uow)
    ended = await auth.revoke_logins(uow, clock, user)
    auth.set_status(uow, clock, user, "logged_out", None)
    await park_held(uow, clock, user, reason=reason)
    await release_offers(uow, clock, user)
    auth.announce(uow, user, capacity)
    uow.wake(Wake.ROUTING)
    return ended


async def heartbeat(uow: UnitOfWork, now: datetime, user_ids: Collection[int]) -> None:
    """These agents have a live event stream on this node."""
    if user_ids:
        await uow.session.execute(
            update(User).where(User.id.in_(sorted(user_ids))).values(last_stream_at=now)
        )


async def sweep_disconnected(
    uow: UnitOfWork, clock: Clock, *, grace_seconds: int, park_seconds: int, capacity: int
) -> int:
    """Agents whose every stream, on every node, has been gone for the grace time are set Not
    Ready ("Disconnected") and lose their offers; past the park time their active interactions go
    to their workbin as on logout. Returns how many agents changed."""
    now = clock.now()
    query = select(User).where(
        User.status != "logged_out",
        User.last_stream_at < now - timedelta(seconds=min(grace_seconds, park_seconds)),
    )
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    changed = 0
    for agent in await uow.session.scalars(query):
        gone = stream_gone(agent.last_stream_at, now, grace_seconds)
        if gone and (agent.status, agent.status_reason) != ("not_ready", DISCONNECTED):
            # Whatever they were (Ready, or on a Break), the floor must see they are gone.
            auth.set_status(uow, clock, agent, "not_ready", DISCONNECTED)
            await release_offers(uow, clock, agent)
            auth.announce(uow, agent, capacity)
            changed += 1
        if stream_gone(agent.last_stream_at, now, park_seconds):
            await release_offers(uow, clock, agent)
            changed += bool(await park_held(uow, clock, agent, reason=DISCONNECTED))
    return changed
