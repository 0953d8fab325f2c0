"""What each `parley` command does, separate from argument parsing."""

from __future__ import annotations

import asyncio

import uvicorn

from parley.app import create_app
from parley.auth.service import create_user
from parley.clock import SystemClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.errors import ParleyError
from parley.logs import configure_logging
from parley.realtime.bus import InProcessBus
from parley.settings import Settings


class CommandError(Exception):
    """A command could not do its work; the message says why in one line."""


async def db_upgrade(settings: Settings) -> int:
    engine = build_engine(settings)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    print(f"database is up to date ({engine.url.render_as_string(hide_password=True)})")
    return 0


async def add_user(
    settings: Settings, username: str, role: str, name: str | None, password: str
) -> int:
    engine = build_engine(settings)
    try:
        await upgrade(engine)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            try:
                await create_user(
                    uow, SystemClock(), username=username, password=password, role=role, name=name
                )
            except ParleyError as exc:
                raise CommandError(exc.message) from None
            await uow.commit()
    finally:
        await engine.dispose()
    print(f"added {role} {username}")
    return 0


def _server(app: object, host: str, port: int, log_level: str) -> uvicorn.Server:
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_config=None,
        log_level=log_level.lower(),
        access_log=False,
        ws_ping_interval=20,
    )
    return uvicorn.Server(config)


def serve(settings: Settings, host: str | None, port: int | None) -> int:
    configure_logging(settings.log_level)
    app = create_app(settings)
    server = _server(app, host or settings.host, port or settings.port, settings.log_level)
    asyncio.run(server.serve())
    return 0


def simulator(settings: Settings, host: str, port: int, webhook_url: str) -> int:
    from parley.simulator import create_simulator_app

    configure_logging(settings.log_level)
    app = create_simulator_app(settings, webhook_url)
    asyncio.run(_server(app, host, port, settings.log_level).serve())
    return 0


def demo(
    settings: Settings, host: str | None, port: int | None, sim_port: int | None, fresh: bool
) -> int:
    from parley.demo import run_demo

    code: int = asyncio.run(run_demo(settings, host, port, sim_port, fresh))
    return code
