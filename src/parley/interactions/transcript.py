"""How a contact's earlier interactions ended, for the transcript's closing lines."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.interactions.models import Interaction
from parley.interactions.schemas import PastInteractionOut
from parley.messages.schemas import Author, MessageOut


async def past_interactions(
    uow: UnitOfWork, interaction: Interaction, page: Sequence[MessageOut]
) -> list[PastInteractionOut]:
    """The contact's other interactions that messages of `page` belong to: how each ended (agent,
    disposition, note), so "See older messages" shows what happened in earlier sessions."""
    ids = sorted({m.interaction_id for m in page} - {interaction.id})
    if not ids:
        return []
    rows = await uow.session.execute(
        select(Interaction, User.name)
        .outerjoin(User, User.id == Interaction.agent_id)
        .where(Interaction.id.in_(ids), Interaction.contact_id == interaction.contact_id)
        .order_by(Interaction.id)
    )
    return [
        PastInteractionOut(
            id=past.id,
            state=past.state,
            origin=past.origin,
            agent=Author(id=past.agent_id, name=name) if past.agent_id and name else None,
            created_at=past.created_at,
            done_at=past.done_at,
            disposition=past.disposition,
            note=past.note,
        )
        for past, name in rows.all()
    ]
