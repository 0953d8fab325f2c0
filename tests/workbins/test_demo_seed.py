"""The demo's seed gives the team shared workbins to park in, once however often it runs."""

from __future__ import annotations

from sqlalchemy import select

from parley.db.engine import build_engine
from parley.demo import WORKBINS, seed
from parley.settings import Settings
from parley.workbins.models import Workbin


async def test_the_demo_seeds_shared_workbins_once(settings: Settings) -> None:
    await seed(settings)
    await seed(settings)
    engine = build_engine(settings)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(Workbin.name, Workbin.kind))).all()
    finally:
        await engine.dispose()
    assert sorted(rows) == sorted((name, "shared") for name, _ in WORKBINS)


async def test_the_demo_history_runs_forward_in_time(settings: Settings) -> None:
    """Contacts exist before their conversations, and ids grow with the time of interactions
    (My History newest first reads the same by id or by time)."""
    from parley.contacts.models import Contact
    from parley.interactions.models import Interaction

    await seed(settings)
    engine = build_engine(settings)
    try:
        async with engine.connect() as conn:
            query = select(Interaction.id, Interaction.created_at, Contact.created_at).join(
                Contact, Contact.id == Interaction.contact_id
            )
            rows = (await conn.execute(query.order_by(Interaction.id))).all()
    finally:
        await engine.dispose()
    assert rows, "the demo has a history"
    assert all(contact_at < at for _, at, contact_at in rows)
    assert [at for _, at, _ in rows] == sorted(at for _, at, _ in rows)
