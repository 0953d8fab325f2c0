"""What each `parley` command does, separate from argument parsing."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

import uvicorn
from alembic.util.exc import CommandError as AlembicError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from parley import heap
from parley.app import create_app
from parley.auth.service import checked_name, checked_username, create_user, find_username
from parley.clock import SystemClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.gate import hold_node_lock
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.errors import ParleyError
from parley.ingest.log import log_engine, prepare_log
from parley.ingest.replay import ReplayFilter, states_of, webhooks_to_replay
from parley.ingest.worker import IngestWorker
from parley.logs import configure_logging
from parley.metrics import Metrics
from parley.node_server import node_config, node_server
from parley.realtime.bus import InProcessBus, build_bus
from parley.settings import Settings

T = TypeVar("T")


class CommandError(Exception):
    """A command could not do its work; the message says why in one line."""


async def db_upgrade(settings: Settings) -> int:
    engine = build_engine(settings)
    try:
        before, after = await _upgraded(engine)
    finally:
        await engine.dispose()
    where = _where(engine)
    if before == after:
        print(f"database is up to date at revision {after} ({where})")
    elif before is None:
        print(f"database created at revision {after} ({where})")
    else:
        print(f"database upgraded from revision {before} to {after} ({where})")
    return 0


async def _upgraded(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """`migrate.upgrade`, its refusals as `CommandError`s of one line."""
    try:
        return await upgrade(engine)
    except AlembicError as exc:  # e.g. a revision newer than this Parley knows
        raise CommandError(f"cannot upgrade the database: {exc}") from None
    except DBAPIError as exc:  # e.g. a database of another application
        raise CommandError(f"cannot upgrade the database: {str(exc.orig)[:300]}") from None
    except OSError as exc:  # refused, an unknown host: the server cannot be reached
        raise CommandError(f"cannot reach the database ({_where(engine)}): {exc}") from None


def _where(engine: AsyncEngine) -> str:
    """The database as its operator names it: the SQLite file, or the URL without the driver
    and any password (`postgresql://parley:***@db/parley`, also one given as `?password=`)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return url.database or "in memory"
    query = {k: "***" if "password" in k.lower() else v for k, v in url.query.items()}
    bare = url.set(drivername=url.get_backend_name(), query=query)
    return bare.render_as_string(hide_password=True)


async def check_new_user(settings: Settings, username: str, name: str | None) -> None:
    """Refuse, as `CommandError`, a user `add_user` would refuse for their username or name
    (malformed, or the username taken): checked before anyone types a password, each in a
    transaction of its own, so no lock is held while the password is asked for."""
    try:
        username = checked_username(username)
        checked_name(name)
    except ParleyError as exc:
        raise CommandError(exc.message) from None
    engine = build_engine(settings)
    try:
        await _upgraded(engine)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            existing = await find_username(uow, username)
    finally:
        await engine.dispose()
    if existing is not None:
        raise CommandError(f"A user named {existing.username} already exists.")


async def add_user(
    settings: Settings, username: str, role: str, name: str | None, password: str
) -> int:
    engine = build_engine(settings)
    try:
        await _upgraded(engine)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            try:
                user = await create_user(
                    uow, SystemClock(), username=username, password=password, role=role, name=name
                )
            except ParleyError as exc:
                raise CommandError(exc.message) from None
            await uow.commit()
    finally:
        await engine.dispose()
    print(f"added {role} {user.username}")
    return 0


async def replay_webhooks(
    settings: Settings, *, failed: bool, since: datetime | None, until: datetime | None
) -> int:
    """Process the chosen stored webhooks again, here and now, and say what came of it."""
    chosen = ReplayFilter(failed_only=failed, since=since, until=until)
    try:
        chosen.check()
    except ParleyError as exc:
        raise CommandError(exc.message) from None
    engine = build_engine(settings)
    webhooks = log_engine(settings)  # the log's own file, as `parley serve` keeps it
    bus = build_bus(settings.redis_url)  # with Redis, open desktops see replayed messages live
    sessionmaker = build_sessionmaker(engine)
    log_sessions = build_sessionmaker(webhooks) if webhooks is not None else sessionmaker

    def uow() -> UnitOfWork:
        return UnitOfWork(sessionmaker, bus)

    def log_uow() -> UnitOfWork:
        return UnitOfWork(log_sessions, bus)

    try:
        await upgrade(engine)
        if webhooks is not None:
            await prepare_log(webhooks, engine)
        async with log_uow() as reading:
            ids = await webhooks_to_replay(reading, chosen)
        worker = IngestWorker(
            uow,
            SystemClock(),
            Metrics(),
            on_ingested=lambda: None,
            phone_number_id=settings.whatsapp_phone_number_id,
            log=log_uow if webhooks is not None else None,
        )
        created = await worker.reprocess(ids)
        async with log_uow() as reading:
            states = await states_of(reading, ids)
    finally:
        await bus.stop()
        await engine.dispose()
        if webhooks is not None:
            await webhooks.dispose()
    print(
        f"replayed {len(ids)} webhook(s): {states.get('processed', 0)} processed, "
        f"{states.get('failed', 0)} failed; {created} new message(s)"
    )
    return 1 if states.get("failed") else 0


def require_free_ports(host: str, ports: list[int], *, demo: bool = False) -> None:
    """Stop with one line naming a port that is taken, and the flag that picks another."""
    for port in ports:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                hint = (
                    "--port N (the simulator takes N+1, or --simulator-port M)"
                    if demo
                    else "--port N"
                )
                raise CommandError(
                    f"port {port} on {host} is already in use; choose another with {hint}"
                ) from None


def run_served(main: Coroutine[Any, Any, T]) -> T:
    """Run a server's coroutine on uvloop when it is installed, as `uvicorn.run` would: the
    standard loop costs a good share of a busy node's CPU."""
    try:
        import uvloop
    except ImportError:  # uvicorn[standard] brings it, but it is optional on some platforms
        factory = None
    else:
        factory = uvloop.new_event_loop
    heap.collect_young_less_often()
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


def _server(app: object, host: str, port: int, log_level: str) -> uvicorn.Server:
    config = node_config(app, host, port, log_level=log_level.lower(), ws_ping_interval=20)
    return node_server(app, config)


def serve(settings: Settings, host: str | None, port: int | None) -> int:
    configure_logging(settings.log_level)
    hold_node_lock(settings.resolved_database_url)
    app = create_app(settings, ingest_process=True)
    server = _server(app, host or settings.host, port or settings.port, settings.log_level)
    run_served(server.serve())
    return 0


def simulator(settings: Settings, host: str, port: int, webhook_url: str) -> int:
    from parley.simulator import create_simulator_app

    configure_logging(settings.log_level)
    app = create_simulator_app(settings, webhook_url)
    run_served(_server(app, host, port, settings.log_level).serve())
    return 0


def demo(
    settings: Settings, host: str | None, port: int | None, sim_port: int | None, fresh: bool
) -> int:
    from parley.demo import run_demo

    code: int = run_served(run_demo(settings, host, port, sim_port, fresh))
    return code
