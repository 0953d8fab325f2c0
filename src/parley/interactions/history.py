"""An interaction's state history, as the desktop's Case Information shows it."""

from __future__ import annotations

from sqlalchemy import select

from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.interactions.models import Interaction, InteractionEvent
from parley.interactions.schemas import InteractionEventOut
from parley.messages.schemas import Author

# What each recorded reason means to a reader; a transition without a known reason is named
# after the state it reached.
KINDS = {
    "routed": "routed",
    "accepted": "accepted",
    "rejected": "rejected",
    "offer_timeout": "offer_expired",
    "agent_left": "released",
    "contact_wrote": "reopened",
    "done": "done",
    "outbound": "started",  # the agent opened it (Create new chat)
    "new_session": "new_session",  # the agent started a new session in it
    "parked": "parked",
    "opened": "opened",
    "moved": "moved",
    "inactive": "closed",
}


async def list_events(uow: UnitOfWork, interaction: Interaction) -> list[InteractionEventOut]:
    """Oldest first: `created` (the contact connected), then every transition with its agent.

    `routed` to state `active` (auto-accept) and `accepted` both mean the agent joined.
    """
    result = await uow.session.execute(
        select(InteractionEvent, User.name)
        .outerjoin(User, User.id == InteractionEvent.agent_id)
        .where(InteractionEvent.interaction_id == interaction.id)
        .order_by(InteractionEvent.at, InteractionEvent.id)
    )
    rows = list(result.all())
    first_state = rows[0][0].from_state if rows else None
    created = InteractionEventOut(
        kind="created",
        from_state=None,
        state=first_state or interaction.state,
        at=interaction.created_at,
        agent=None,
    )
    return [created] + [
        InteractionEventOut(
            kind=KINDS.get(event.reason or "", event.to_state),
            from_state=event.from_state,
            state=event.to_state,
            at=event.at,
            agent=Author(id=event.agent_id, name=name or "") if event.agent_id else None,
            note=event.note,
        )
        for event, name in rows
    ]
