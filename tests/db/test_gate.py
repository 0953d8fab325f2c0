"""The SQLite writers' gate (`db.gate`) and the inline dialect (`db.inline`)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from parley.db.engine import build_sqlite_engine
from parley.db.gate import WriteGate
from parley.db.inline import inline_url


async def _settles(task: asyncio.Task[None], seconds: float = 0.2) -> bool:
    done, _ = await asyncio.wait({task}, timeout=seconds)
    return bool(done)


async def test_two_gates_on_one_file_take_turns(tmp_path: Path) -> None:
    database = tmp_path / "parley.db"
    first, second = WriteGate(database), WriteGate(database)
    await first.acquire()
    waiting = asyncio.create_task(second.acquire())
    assert not await _settles(waiting), "the second writer got in while the first held the file"
    first.release()
    assert await _settles(waiting, 5), "the second writer was not let in once the first left"
    second.release()
    first.close()
    second.close()


async def test_a_cancelled_waiter_leaves_the_file_free(tmp_path: Path) -> None:
    database = tmp_path / "parley.db"
    holder, leaving, later = WriteGate(database), WriteGate(database), WriteGate(database)
    await holder.acquire()
    waiting = asyncio.create_task(leaving.acquire())
    assert not await _settles(waiting)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    holder.release()
    # The cancelled waiter's thread takes the lock, then hands it back: others get in.
    third = asyncio.create_task(later.acquire())
    assert await _settles(third, 5), "a cancelled waiter kept the file locked"
    later.release()
    again = asyncio.create_task(leaving.acquire())
    assert await _settles(again, 5), "the cancelled gate's own lock was never released"
    leaving.release()
    for gate in (holder, leaving, later):
        gate.close()


async def test_the_gate_holds_against_another_process(tmp_path: Path) -> None:
    database = tmp_path / "parley.db"
    script = textwrap.dedent(
        f"""
        import asyncio, sys, time
        from pathlib import Path
        from parley.db.gate import WriteGate
        async def main():
            gate = WriteGate(Path({str(database)!r}))
            await gate.acquire()
            print("held", flush=True)
            sys.stdin.readline()
            gate.release()
        asyncio.run(main())
        """
    )
    other = subprocess.Popen(  # noqa: ASYNC220 - the other process must hold the lock meanwhile
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline().strip() == "held"
        gate = WriteGate(database)
        waiting = asyncio.create_task(gate.acquire())
        assert not await _settles(waiting, 0.3), "got the file while another process held it"
        other.stdin.write("\n")
        other.stdin.flush()
        assert await _settles(waiting, 5)
        gate.release()
        gate.close()
    finally:
        other.kill()
        other.communicate()


async def test_an_in_memory_gate_queues_this_process_only() -> None:
    gate = WriteGate.for_url("sqlite+aiosqlite:///:memory:")
    async with gate:
        waiting = asyncio.create_task(gate.acquire())
        assert not await _settles(waiting, 0.05)
    assert await _settles(waiting, 1)
    gate.release()


async def test_the_inline_dialect_runs_transactions(tmp_path: Path) -> None:
    url = inline_url(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    assert url.startswith("sqlite+inline:///")
    engine = build_sqlite_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER)"))
            await connection.execute(text("INSERT INTO t VALUES (1), (2)"))
        with pytest.raises(RuntimeError):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (3)"))
                raise RuntimeError("rolled back")
        async with engine.connect() as connection:
            total = await connection.scalar(text("SELECT sum(n) FROM t"))
            mode = await connection.scalar(text("PRAGMA journal_mode"))
        assert total == 3
        assert mode == "wal"
    finally:
        await engine.dispose()
    with pytest.raises(ValueError):
        inline_url("postgresql+asyncpg://x/y")


async def test_the_log_writer_and_an_async_writer_take_turns(tmp_path: Path) -> None:
    """The node's log thread and a unit of work on the same file (the worker marking rows)
    never fail with "database is locked" and lose nothing."""
    from sqlalchemy import func, select

    from parley.ingest.log import TABLE, LogFileWriter

    path = tmp_path / "parley.db.webhooks.db"
    log_engine_ = build_sqlite_engine(f"sqlite+aiosqlite:///{path}")
    async with log_engine_.begin() as connection:
        await connection.run_sync(TABLE.metadata.create_all, [TABLE])
    writer, gate = LogFileWriter(path), WriteGate(path)
    now = datetime.now(UTC)

    async def appends() -> None:
        for n in range(40):
            await writer.append([{"received_at": now, "body": b"%d" % n, "state": "pending"}])

    async def marks() -> None:
        for _ in range(40):
            async with gate, log_engine_.begin() as connection:
                await connection.execute(TABLE.update().values(state="processed"))

    try:
        await asyncio.gather(appends(), marks())
        async with log_engine_.connect() as connection:
            stored = await connection.scalar(select(func.count()).select_from(TABLE))
        assert stored == 40
    finally:
        await writer.close()
        gate.close()
        await log_engine_.dispose()


async def test_a_waiter_gives_up_when_the_file_stays_locked(tmp_path: Path) -> None:
    from parley.db.gate import GateTimeout

    database = tmp_path / "parley.db"
    holder, waiter = WriteGate(database), WriteGate(database)
    waiter.wait_seconds = 0.2
    await holder.acquire()
    with pytest.raises(GateTimeout):
        await waiter.acquire()
    holder.release()
    again = asyncio.create_task(waiter.acquire())  # and it is usable afterwards
    assert await _settles(again, 5)
    waiter.release()
    holder.close()
    waiter.close()


async def test_writers_queued_behind_a_timed_out_one_time_out_too(tmp_path: Path) -> None:
    """Another process holds the file: every writer of this process gives up within its wait
    (each request answers 503), none waits for as long as the file stays locked."""
    from parley.db.gate import GateTimeout

    database = tmp_path / "parley.db"
    holder, gate = WriteGate(database), WriteGate(database)
    gate.wait_seconds = 0.3
    await holder.acquire()
    loop = asyncio.get_running_loop()
    started = loop.time()
    waiters = [asyncio.create_task(gate.acquire()) for _ in range(3)]
    outcomes = await asyncio.wait_for(asyncio.gather(*waiters, return_exceptions=True), 5)
    assert all(isinstance(o, GateTimeout) for o in outcomes), outcomes
    assert loop.time() - started < 2
    holder.release()
    again = asyncio.create_task(gate.acquire())  # free again once the file is
    assert await _settles(again, 5)
    gate.release()
    holder.close()
    gate.close()


async def test_a_unit_of_work_lets_writers_in_while_released(tmp_path: Path) -> None:
    """A password hash or a Cloud API call inside a unit of work does not hold the writers'
    gate: another writer gets in meanwhile, and the unit takes it back after."""
    from parley.db.engine import build_sessionmaker
    from parley.db.uow import UnitOfWork
    from parley.realtime.bus import InProcessBus

    database = tmp_path / "parley.db"
    engine = build_sqlite_engine(f"sqlite+aiosqlite:///{database}")
    gate, other = WriteGate(database), WriteGate(database)
    try:
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus(), gate) as uow:
            await uow.session.execute(text("CREATE TABLE t (n INTEGER)"))
            blocked = asyncio.create_task(other.acquire())
            assert not await _settles(blocked), "another writer got in while the unit held it"
            async with uow.released():
                assert await _settles(blocked, 5), "the released unit still held the gate"
                other.release()
            again = asyncio.create_task(other.acquire())
            assert not await _settles(again), "the unit did not take the gate back"
            await uow.session.execute(text("INSERT INTO t VALUES (1)"))
            await uow.commit()
        assert await _settles(again, 5)
        other.release()
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM t")) == 1
    finally:
        gate.close()
        other.close()
        await engine.dispose()


@pytest.mark.parametrize("steps", range(4))
async def test_a_writer_cancelled_as_the_gate_reaches_it_stays_cancelled(steps: int) -> None:
    """A task cancelled in any step of the gate's hand-over to it (a sender's claim renewal,
    cancelled as its round ends) either ends cancelled and gives the gate back, or was done
    already. `wait_for` on Python 3.11 returned the lock after the task was cancelled: the
    cancellation was lost, the task ran on, and whoever awaited its end waited for ever."""
    gate = WriteGate()
    await gate.acquire()
    entering = asyncio.create_task(gate.acquire())
    assert not await _settles(entering)
    gate.release()
    for _ in range(steps):
        await asyncio.sleep(0)
    cancelled = entering.cancel()
    [outcome] = await asyncio.gather(entering, return_exceptions=True)
    if not cancelled:
        assert outcome is None
        gate.release()
    elif not isinstance(outcome, asyncio.CancelledError):
        gate.release()
        raise AssertionError("the cancellation was lost: the writer went on with the gate")
    again = asyncio.create_task(gate.acquire())
    assert await _settles(again, 5), "the cancelled writer kept the gate"
    gate.release()
