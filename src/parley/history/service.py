"""Listing interactions newest first, for My History and a contact's history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select

from parley.auth.models import User
from parley.contacts.models import Contact
from parley.contacts.schemas import ContactOut
from parley.db.uow import UnitOfWork
from parley.domain.interactions import STATES
from parley.errors import Invalid
from parley.history.schemas import HistoryFilter, HistoryItem, HistoryPage
from parley.interactions.models import Interaction
from parley.interactions.schemas import LastMessage
from parley.messages.schemas import Author
from parley.teams.service import visible_agent_ids

STAFF = ("supervisor", "admin")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


Row = Select[Interaction, Contact, str]


def _filtered(query: Row, f: HistoryFilter) -> Row:
    if f.state is not None:
        if f.state not in STATES:
            raise Invalid(
                f"Unknown state; choose one of: {', '.join(STATES)}.",
                code="unknown_state",
                fields=[{"field": "state", "message": "is not an interaction state"}],
            )
        query = query.where(Interaction.state == f.state)
    if f.since and f.until and f.until < f.since:
        raise Invalid(
            "The range ends before it starts.",
            fields=[{"field": "until", "message": "is before since"}],
        )
    if f.agent_id is not None:
        query = query.where(Interaction.handled_by_id == f.agent_id)
    if f.contact_id is not None:
        query = query.where(Interaction.contact_id == f.contact_id)
    if f.contact_ids is not None:
        query = query.where(Interaction.contact_id.in_(f.contact_ids))
    if f.disposition:
        query = query.where(func.lower(Interaction.disposition) == f.disposition.strip().lower())
    if f.since is not None:
        query = query.where(Interaction.created_at >= _day_start(f.since))
    if f.until is not None:
        query = query.where(Interaction.created_at < _day_start(f.until) + timedelta(days=1))
    return query


async def _before(uow: UnitOfWork, query: Row, before: int | None) -> Row:
    """The page after interaction `before`: older by (created_at, id), the order of the list."""
    if before is None:
        return query
    at = await uow.session.scalar(select(Interaction.created_at).where(Interaction.id == before))
    if at is None:
        return query.where(Interaction.id < before)
    return query.where(
        or_(
            Interaction.created_at < at,
            and_(Interaction.created_at == at, Interaction.id < before),
        )
    )


async def list_history(
    uow: UnitOfWork, user: User, f: HistoryFilter, *, everyone: bool = False
) -> HistoryPage:
    """Interactions newest first (by creation time, then id). An agent sees the ones they
    handled (held, or held before it was parked or requeued: `handled_by_id`, whatever
    `f.agent_id` says); supervisors and admins
    see everyone's (a supervisor limited to their teams: their teams' agents'), or one agent's
    with `f.agent_id`. `everyone` lifts the agent's limit: a
    contact's history (`f.contact_id`) is shared like the Contact Directory."""
    if user.role not in STAFF and not everyone:
        f = f.model_copy(update={"agent_id": user.id})
    query = (
        select(Interaction, Contact, User.name)
        .join(Contact, Contact.id == Interaction.contact_id)
        .outerjoin(User, User.id == Interaction.handled_by_id)
    )
    if user.role in STAFF and not everyone:
        # A supervisor limited to their teams lists their teams' agents' interactions.
        visible = await visible_agent_ids(uow.session, user)
        if visible is not None:
            query = query.where(Interaction.handled_by_id.in_(sorted(visible)))
    query = await _before(uow, _filtered(query, f), f.before)
    query = query.order_by(Interaction.created_at.desc(), Interaction.id.desc()).limit(f.limit + 1)
    rows = (await uow.session.execute(query)).all()
    items = [_item(i, c, name) for i, c, name in rows[: f.limit]]
    more = len(rows) > f.limit
    return HistoryPage(items=items, next_before=items[-1].id if more and items else None)


def _item(interaction: Interaction, contact: Contact, agent_name: str | None) -> HistoryItem:
    agent = None
    if interaction.handled_by_id is not None:
        agent = Author(id=interaction.handled_by_id, name=agent_name or "")
    return HistoryItem(
        id=interaction.id,
        state=interaction.state,
        origin=interaction.origin,
        contact=ContactOut.of(contact),
        agent=agent,
        created_at=interaction.created_at,
        done_at=interaction.done_at,
        disposition=interaction.disposition,
        note=interaction.note,
        last_message=LastMessage.model_validate(interaction.last_message)
        if interaction.last_message
        else None,
    )
