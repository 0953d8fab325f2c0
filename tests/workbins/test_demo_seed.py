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
