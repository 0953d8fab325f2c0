"""Requests that only read never wait for the database's writer, and cannot write."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from parley.clock import FixedClock
from tests.api.conftest import Api


async def test_a_read_goes_through_while_a_write_transaction_is_open(
    api: Api, clock: FixedClock
) -> None:
    alice = await api.agent(clock, "alice")
    async with api.runtime.uow():  # a long write holds SQLite's single writer
        me = await asyncio.wait_for(api.client.get("/api/v1/me", headers=alice), 5)
        listed = await asyncio.wait_for(api.client.get("/api/v1/interactions", headers=alice), 5)
    assert me.status_code == 200 and me.json()["username"] == "alice"
    assert listed.status_code == 200


# PostgreSQL reads and writes on the same connections: only SQLite has a read path to guard.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_read_path_refuses_to_write(api: Api) -> None:
    async with api.runtime.reader() as uow:
        with pytest.raises(Exception, match="readonly"):
            await uow.session.execute(text("UPDATE users SET name = 'x'"))
