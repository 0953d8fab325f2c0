"""An agent arriving and leaving: the use cases that span auth, interactions and routing."""

from __future__ import annotations

from parley.auth import service as auth
from parley.auth.models import AuthToken, User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.interactions.service import release_offers
from parley.workers.wake import Wake


async def log_out(
    uow: UnitOfWork, clock: Clock, user: User, token: AuthToken, *, capacity: int
) -> None:
    """The agent leaves: the login ends (its sockets close), offers not yet accepted go back to
    the queue for the next agent, everyone watching hears the new status, routing runs again.
    One transaction, the caller's."""
    auth.end_login(uow, clock, user, token)
    await release_offers(uow, clock, user)
    auth.announce(uow, user, capacity)
    uow.wake(Wake.ROUTING)
