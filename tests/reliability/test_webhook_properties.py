"""Property: any signed webhook in Meta's envelope, with hostile text and names, is stored and
processed whole: every message it carries is stored once, with its text, or (when the body
cannot be read) nothing is, and the webhook says why. Never a 500, never half a webhook."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from parley.app import create_app
from parley.clock import FixedClock
from parley.ingest.models import InboundWebhook
from parley.ingest.worker import IngestWorker
from parley.messages.models import Message
from parley.whatsapp.payloads import PayloadError, parse_webhook
from parley.whatsapp.signature import sign
from tests.conftest import START, make_settings
from tests.factories import envelope
from tests.fuzz import examples

pytestmark = pytest.mark.reliability
T = TypeVar("T")
SECRET = "parley-dev-app-secret"
TEXT = st.text(
    st.characters(exclude_categories=("Cs",)), max_size=300
)  # JSON has no lone surrogates
ODD = st.one_of(
    TEXT,
    st.integers(-(2**63), 2**63 - 1),
    st.none(),
    st.booleans(),
    st.lists(st.integers(0, 9), max_size=2),
)
MESSAGE = st.fixed_dictionaries(
    {"body": TEXT, "name": TEXT, "wa_id": st.from_regex(r"[1-9][0-9]{7,14}", fullmatch=True)},
    optional={"timestamp": ODD, "type": ODD, "context": ODD, "extra": ODD},
)
STATUS = st.fixed_dictionaries(
    {
        "id": st.one_of(TEXT, st.text("abc", min_size=250, max_size=300)),
        "status": st.sampled_from(["sent", "delivered", "read", "failed", "deleted", "odd"]),
    },
    optional={
        "timestamp": ODD,
        "recipient_id": ODD,
        "errors": st.lists(
            st.fixed_dictionaries({}, optional={"code": ODD, "title": TEXT, "message": TEXT}),
            max_size=2,
        ),
    },
)
FUZZ = settings(
    max_examples=examples(60), deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def webhook(
    messages: list[dict[str, Any]], prefix: str, statuses: list[dict[str, Any]]
) -> dict[str, Any]:
    items, contacts = [], []
    for n, m in enumerate(messages):
        item: dict[str, Any] = {
            "from": m["wa_id"], "id": f"wamid.{prefix}_{n}", "timestamp": "1767603600",
            "type": "text", "text": {"body": m["body"]},
        }  # fmt: skip
        item.update({k: m[k] for k in ("timestamp", "type", "context", "extra") if k in m})
        items.append(item)
        contacts.append({"profile": {"name": m["name"]}, "wa_id": m["wa_id"]})
    return envelope(messages=items, contacts=contacts, statuses=statuses)


def test_hostile_webhooks_are_stored_whole_or_refused_whole(
    tmp_path: Path, database_url: str
) -> None:
    clock = FixedClock(START)
    app = create_app(
        make_settings(tmp_path, database_url=database_url),
        clock=clock,
        migrate=False,
        workers=False,
    )
    runtime = app.state.runtime
    ingest = IngestWorker(runtime.uow, clock, runtime.metrics, on_ingested=lambda: None)
    serial = itertools.count()
    with asyncio.Runner() as runner:
        run: Callable[[Coroutine[Any, Any, T]], T] = runner.run
        lifespan = app.router.lifespan_context(app)
        run(lifespan.__aenter__())
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

        async def deliver(payload: dict[str, Any]) -> InboundWebhook:
            body = orjson.dumps(payload)
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign(body, SECRET),
            }
            response = await client.post("/webhooks/whatsapp", content=body, headers=headers)
            assert response.status_code == 200, response.text
            while await ingest.run_once():
                pass
            async with runtime.uow() as uow:
                row = await uow.session.scalar(
                    select(InboundWebhook).order_by(InboundWebhook.id.desc()).limit(1)
                )
                assert row is not None
                return row

        async def stored(prefix: str) -> dict[str, tuple[str | None, int]]:
            async with runtime.uow() as uow:
                rows = await uow.session.execute(
                    select(Message.wamid, Message.text, func.count())
                    .where(Message.wamid.like(f"wamid.{prefix}\\_%", escape="\\"))
                    .group_by(Message.wamid, Message.text)
                )
                return {wamid: (text, count) for wamid, text, count in rows if wamid}

        @FUZZ
        @given(
            messages=st.lists(MESSAGE, min_size=1, max_size=4),
            statuses=st.lists(STATUS, max_size=3),
        )
        def whole_or_nothing(
            messages: list[dict[str, Any]], statuses: list[dict[str, Any]]
        ) -> None:
            prefix = f"P{next(serial)}"
            payload = webhook(messages, prefix, statuses)
            row = run(deliver(payload))
            got = run(stored(prefix))
            try:
                parsed = parse_webhook(payload)
            except PayloadError:
                assert row.state == "failed" and row.error and got == {}
                return
            assert row.state == "processed", row.error
            # NUL characters are dropped: PostgreSQL cannot store them.
            want = {m.wamid: m.text and m.text.replace("\x00", "") for m in parsed.messages}
            assert {wamid: text for wamid, (text, _) in got.items()} == want
            assert all(count == 1 for _, count in got.values())

        try:
            whole_or_nothing()
        finally:
            run(client.aclose())
            run(lifespan.__aexit__(None, None, None))
