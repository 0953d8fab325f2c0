"""`parley demo`: the server and the WhatsApp simulator side by side on SQLite, with demo data."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from parley.app import create_app
from parley.auth.models import User
from parley.auth.service import create_user
from parley.clock import SystemClock
from parley.codes.service import active_codes, seed_from_settings
from parley.contacts.models import Contact
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.gate import hold_node_lock
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.ingest.log import SUFFIX
from parley.interactions.models import ChatSession, Interaction, InteractionEvent
from parley.logs import configure_logging
from parley.messages.models import Message
from parley.node_server import NodeServer, node_config, node_server
from parley.realtime.bus import InProcessBus
from parley.responses.seed import seed_library
from parley.settings import Settings
from parley.workbins.models import Workbin

PASSWORD = "parley-demo"
USERS = [
    ("alice", "agent", "Alice Martins"),
    ("bob", "agent", "Bob Chen"),
    ("sam", "supervisor", "Sam Okafor"),
    ("admin", "admin", "Ada Admin"),
]
WORKBINS = [
    ("Billing follow-up", "Invoices, refunds and payments waiting on the billing team"),
    ("Escalations", "Chats a team lead should look at"),
]
CUSTOMERS = [
    ("5511987654321", "Ana Souza"),
    ("447700900123", "Oliver Smith"),
    ("4915112345678", "Lena Fischer"),
    ("5215512345678", "Diego Ramírez"),
]
# Past conversations Alice handled, for My History, the Contact Directory and Create new chat:
# (wa_id, days ago, the customer's words, Alice's answer, disposition, note, contact fields).
PAST: list[tuple[str, int, str, str, str, str | None, dict[str, Any]]] = [
    (
        "447700900123",
        2,
        "Hi, my invoice shows the wrong address.",
        "Thanks Oliver, I've corrected it; a new invoice is on its way.",
        "Resolved",
        None,
        {"email": "oliver.smith@example.co.uk", "fields": {"Company": "Smith & Sons"}},
    ),
    (
        "4915112345678",
        3,
        "Can I change my delivery to Friday?",
        "I've asked the carrier; I'll confirm tomorrow.",
        "Follow-up needed",
        "Call the carrier",
        {"fields": {"Customer number": "C-2207"}},
    ),
    (
        "5215512345678",
        5,
        "¿Tienen la talla M en azul?",
        "Sí, la tenemos. ¿Te la reservo?",
        "No response",
        None,
        {},
    ),
]


# What demo customers write when the demo data is new: shapes an agent must read well (WhatsApp
# sends them as webhooks; docs/whatsapp.md): a chat started from an ad, and a catalogue order.
FIRST_MESSAGES: list[tuple[str, dict[str, object]]] = [
    (
        "5215512345678",
        {
            "type": "text",
            "text": {"body": "Hola, ¿sigue la oferta de botas?"},
            "referral": {
                "source_url": "https://fb.me/parley-demo-ad",
                "source_id": "120200000000001",
                "source_type": "ad",
                "headline": "Winter sale: 30% off boots",
                "body": "All leather boots, this week only.",
                "media_type": "image",
                "image_url": "https://example.com/boots.jpg",
                "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO",
            },
        },
    ),
    (
        "4915112345678",
        {
            "type": "order",
            "order": {
                "catalog_id": "194836987003835",
                "text": "Bitte bis Freitag",
                "product_items": [
                    {
                        "product_retailer_id": "BOOT-42",
                        "quantity": 1,
                        "item_price": 89.9,
                        "currency": "EUR",
                    },
                    {
                        "product_retailer_id": "SOCK-3P",
                        "quantity": "2",
                        "item_price": "9.50",
                        "currency": "EUR",
                    },
                ],
            },
        },
    ),
]


async def seed(settings: Settings) -> bool:
    """Demo users, contacts, shared workbins and standard responses; safe to run on every start.
    True when the contacts are new."""
    engine = build_engine(settings)
    clock = SystemClock()
    try:
        await upgrade(engine)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            existing = set(await uow.session.scalars(select(User.username)))
            for username, role, name in USERS:
                if username not in existing:
                    await create_user(
                        uow, clock, username=username, password=PASSWORD, role=role, name=name
                    )
            known = set(await uow.session.scalars(select(Contact.wa_id)))
            fresh = not known
            now = clock.now()
            for n, (wa_id, name) in enumerate(CUSTOMERS):
                if wa_id not in known:
                    # Weeks before any of their conversations (PAST), in the list's order.
                    at = now - timedelta(days=30 - n)
                    uow.session.add(
                        Contact(wa_id=wa_id, profile_name=name, created_at=at, updated_at=at)
                    )
            await uow.session.flush()
            # The lists first, so the past interactions point at the codes they name.
            await seed_from_settings(uow, clock, "disposition", settings.dispositions)
            await _seed_history(uow, now)
            shared = set(
                await uow.session.scalars(select(Workbin.name).where(Workbin.kind == "shared"))
            )
            for name, description in WORKBINS:
                if name not in shared:
                    uow.session.add(
                        Workbin(name=name, kind="shared", description=description, created_at=now)
                    )
            await seed_library(uow, now)
            await uow.commit()
        return fresh
    finally:
        await engine.dispose()


async def _seed_history(uow: UnitOfWork, now: datetime) -> None:
    """Done interactions of Alice's, once: what My History and the directory start with."""
    if await uow.session.scalar(select(Interaction.id).limit(1)) is not None:
        return
    alice = await uow.session.scalar(select(User).where(User.username == "alice"))
    assert alice is not None
    codes = {
        label.casefold(): code_id
        for label, code_id in (await active_codes(uow, "disposition")).items()
    }
    # Oldest first, so ids grow with time as they do in real use.
    for wa_id, days, asked, answer, disposition, note, extra in sorted(PAST, key=lambda p: -p[1]):
        contact = await uow.session.scalar(select(Contact).where(Contact.wa_id == wa_id))
        if contact is None:
            continue
        contact.email = extra.get("email")
        contact.fields = extra.get("fields")
        at = now - timedelta(days=days)
        session = ChatSession(contact_id=contact.id, origin="inbound", created_at=at, closed_at=at)
        uow.session.add(session)
        await uow.session.flush()
        done_at = at + timedelta(minutes=6)
        interaction = Interaction(
            session_id=session.id,
            contact_id=contact.id,
            state="done",
            origin="inbound",
            agent_id=alice.id,
            handled_by_id=alice.id,
            created_at=at,
            updated_at=done_at,
            queued_at=at,
            offered_at=at,
            accepted_at=at,
            done_at=done_at,
            last_inbound_at=at,
            last_message_at=done_at,
            unread_count=0,
            disposition=disposition,
            disposition_code_id=codes.get(disposition.casefold()) if disposition else None,
            note=note,
            version=4,
        )
        uow.session.add(interaction)
        await uow.session.flush()
        for event in (("queued", "active", "routed", at), ("active", "done", "done", done_at)):
            uow.session.add(
                InteractionEvent(
                    interaction_id=interaction.id,
                    from_state=event[0],
                    to_state=event[1],
                    agent_id=alice.id,
                    reason=event[2],
                    at=event[3],
                )
            )
        for direction, text, when, author in (
            ("in", asked, at, None),
            ("out", answer, at + timedelta(minutes=2), alice.id),
        ):
            uow.session.add(
                Message(
                    session_id=session.id,
                    interaction_id=interaction.id,
                    contact_id=contact.id,
                    direction=direction,
                    type="text",
                    text=text,
                    content={"body": text},
                    status="received" if direction == "in" else "read",
                    author_id=author,
                    timestamp=when,
                    created_at=when,
                )
            )
        interaction.last_message = {
            "direction": "out",
            "type": "text",
            "text": answer,
            "created_at": done_at.isoformat(),
        }


def demo_settings(
    settings: Settings, host: str | None, port: int | None, sim_port: int | None, fresh: bool
) -> tuple[Settings, int]:
    host = host or settings.host
    port = port or settings.port
    sim_port = sim_port or port + 1
    database_url = settings.database_url
    path = settings.data_dir / "demo.db"
    # Before anything is wiped: a demo already running on this database keeps it all.
    hold_node_lock(f"sqlite:///{path}" if not database_url else settings.resolved_database_url)
    if fresh:
        shutil.rmtree(phones_dir(settings), ignore_errors=True)
    if not database_url:
        if fresh:
            for name in (path.name, path.name + SUFFIX):  # the database and its webhook log
                for suffix in ("", "-wal", "-shm"):
                    path.with_name(name + suffix).unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    updated = settings.model_copy(
        update={
            "host": host,
            "port": port,
            "database_url": database_url,
            "whatsapp_api_base_url": f"http://{_reachable(host)}:{sim_port}",
            # The demo's customers write from Brazil first: numbers typed without +55 are theirs.
            "default_country": settings.default_country or "BR",
        }
    )
    return updated, sim_port


def phones_dir(settings: Settings) -> Path:
    """Where the demo's simulator keeps its customers and their chats, beside the database."""
    return settings.data_dir / "demo-phones"


def state_line(fresh_data: bool, restored: bool) -> str:
    """What the demo starts from, in one line: the desktop and the phones always agree."""
    if fresh_data:
        return "  Started fresh: new demo data, and the customer phones are empty."
    if restored:
        return "  Carried on from the last run (desktop and phones); start over with --fresh."
    return (
        "  The desktop keeps its chats from the last run, but the customer phones had none saved;"
        "\n  start both over with --fresh."
    )


def _reachable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def banner(settings: Settings, sim_port: int) -> str:
    host = _reachable(settings.host)
    logins = ", ".join(f"{u} ({role})" for u, role, _ in USERS)
    return "\n".join(
        [
            "",
            "  Parley demo is running.",
            "",
            f"  Agent desktop:   http://{host}:{settings.port}/",
            f"  Customer phone:  http://{host}:{sim_port}/",
            "",
            f"  Log in as {logins}",
            f"  Password for every demo user: {PASSWORD}",
            "",
            "  Open the desktop, log in, press Ready; then write from the customer phone",
            "  and Accept the chat when it is offered. The phone's paper clip sends photos,",
            '  voice notes, videos and documents; the desktop\'s "Attach file" sends them back.',
            f"  Database: {settings.database_url}",
            "  (the parley CLI works on it with PARLEY_DATABASE_URL set to that address)",
            "  Stop with Ctrl+C.",
            "",
        ]
    )


async def run_demo(
    settings: Settings, host: str | None, port: int | None, sim_port: int | None, fresh: bool
) -> int:
    from parley.simulator import create_simulator_app

    settings, sim_port = demo_settings(settings, host, port, sim_port, fresh)
    quiet = "WARNING" if settings.log_level == "INFO" else settings.log_level
    # In its settings, so that the ingest worker process keeps to it too (a line per photo).
    settings = settings.model_copy(update={"log_level": quiet})
    configure_logging(quiet)
    fresh_data = await seed(settings)
    if fresh_data:  # new demo data: the phones start over with it, never with older chats
        shutil.rmtree(phones_dir(settings), ignore_errors=True)
    app = create_app(settings, ingest_process=True)
    webhook_url = f"http://{_reachable(settings.host)}:{settings.port}/webhooks/whatsapp"
    simulator = create_simulator_app(settings, webhook_url, state_dir=phones_dir(settings))
    restored = simulator.state.simulator.restored
    for wa_id, name in CUSTOMERS:
        simulator.state.simulator.add_customer(wa_id, name)
    servers = [
        node_server(
            a,
            node_config(a, settings.host, p, timeout_graceful_shutdown=1),
            own_signals=False,
        )
        for a, p in ((app, settings.port), (simulator, sim_port))
    ]
    with _stop_on_signals(servers):
        return await _serve_both(servers, settings, sim_port, simulator, fresh_data, restored)


@contextlib.contextmanager
def _stop_on_signals(servers: list[NodeServer]) -> Iterator[None]:
    """Ctrl+C (or SIGTERM) stops both servers at once, not one after the other."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)

    def stop() -> None:
        for server in servers:
            server.stop()

    for number in signals:
        loop.add_signal_handler(number, stop)
    try:
        yield
    finally:
        for number in signals:
            loop.remove_signal_handler(number)


async def _serve_both(
    servers: list[NodeServer],
    settings: Settings,
    sim_port: int,
    simulator: Any,
    fresh_data: bool,
    restored: bool,
) -> int:
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    while not all(s.started for s in servers):
        if any(t.done() for t in tasks):
            break
        await asyncio.sleep(0.05)
    if all(s.started for s in servers):
        if fresh_data:
            for wa_id, message in FIRST_MESSAGES:
                simulator.state.simulator.customer_sends(wa_id, message, None)
        print(banner(settings, sim_port) + state_line(fresh_data, restored) + "\n", flush=True)
    await asyncio.gather(*tasks)
    return 0 if all(s.started for s in servers) else 1
