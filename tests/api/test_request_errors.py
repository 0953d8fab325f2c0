"""Requests the API cannot take: unreadable or oversized bodies, unknown paths, wrong methods,
and bodies that break the input rules. Each answers with a documented code."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from parley.clock import FixedClock
from parley.messages.models import Message
from parley.settings import Settings
from tests.api.conftest import Api
from tests.api.support import customer_says, held_interactions

LIMIT = Settings().api_max_body_bytes  # the default cap

JSON = {"Content-Type": "application/json"}


async def start(api: Api, clock: FixedClock) -> tuple[dict[str, str], int]:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    return alice, interaction["id"]


async def messages_stored(api: Api) -> int:
    async with api.runtime.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Message)) or 0)


async def test_bodies_that_are_not_json_are_bad_requests(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    url = f"/api/v1/interactions/{iid}/messages"
    for body in [
        b'{"text": "\xff\xfe", "client_id": "c1"}',  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # nested past any parser's depth
        b'{"text": "Hi", "client_id": ',  # cut short
        b"not json at all",
    ]:
        response = await api.client.post(url, content=body, headers={**alice, **JSON})
        assert response.status_code == 400, (body[:20], response.text)
        assert response.json() == {
            "error": {"code": "bad_request", "message": "The request body is not valid JSON."}
        }
    assert await messages_stored(api) == 1, "only the customer's message"


async def test_unknown_paths_and_wrong_methods_under_the_api(api: Api) -> None:
    wrong_method = await api.client.get("/api/v1/auth/logout")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    assert wrong_method.headers["allow"] == "POST"
    for method, path in [
        ("POST", "/api/v1/nope"),
        ("GET", "/api/v1/nope"),
        ("DELETE", "/api/v1/interactions/1/nothing"),
        ("GET", "/api"),
    ]:
        response = await api.client.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"
    put_messages = await api.client.put("/api/v1/interactions/1/messages", json={})
    assert put_messages.status_code == 405
    assert set(put_messages.headers["allow"].split(", ")) == {"GET", "POST"}
    # The desktop still serves its own files, and only the API is kept from its catch-all.
    assert (await api.client.get("/")).status_code == 200
    assert (await api.client.get("/no-such-file.js")).status_code == 404


async def test_oversized_api_bodies_are_refused_without_reading_them(
    api: Api, clock: FixedClock
) -> None:
    alice, iid = await start(api, clock)
    url = f"/api/v1/interactions/{iid}/messages"
    huge = b'{"client_id": "c1", "text": "' + b"x" * (30 * 1024 * 1024) + b'"}'
    declared = await api.client.post(url, content=huge, headers={**alice, **JSON})
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "too_large"

    sent = 0

    async def chunked() -> AsyncIterator[bytes]:
        nonlocal sent
        for start in range(0, len(huge), 64 * 1024):
            sent += 64 * 1024
            yield huge[start : start + 64 * 1024]

    streamed = await api.client.post(url, content=chunked(), headers={**alice, **JSON})
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "too_large"
    assert sent <= LIMIT + 128 * 1024, "reading stopped at the cap"
    assert await messages_stored(api) == 1

    # Just under the cap is read as usual (and refused for what it says, not its size).
    padded = b'{"client_id": "c2", "text": "hi", "pad": "' + b"x" * (LIMIT - 100)
    fits = await api.client.post(url, content=padded + b'"}', headers={**alice, **JSON})
    assert (fits.status_code, fits.json()["error"]["code"]) == (422, "validation_error")


async def test_text_of_only_whitespace_is_refused_up_front(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    url = f"/api/v1/interactions/{iid}/messages"
    for text in [" ", "\n\t  \n", "\u3000"]:
        response = await api.client.post(url, json={"text": text, "client_id": "w"}, headers=alice)
        assert response.status_code == 422, repr(text)
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["fields"] == [
            {"field": "text", "message": "String should not be only whitespace"}
        ]
    assert await messages_stored(api) == 1
    padded = await api.client.post(url, json={"text": "  hello  ", "client_id": "w"}, headers=alice)
    assert padded.status_code == 201 and padded.json()["text"] == "  hello  "


async def test_length_limits_on_text_count_characters(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    for url, body, field, limit in [
        (f"/api/v1/interactions/{iid}/done", {"disposition": "x" * 101}, "disposition", 100),
        (f"/api/v1/interactions/{iid}/done", {"note": "n" * 4001}, "note", 4000),
        ("/api/v1/me/status", {"status": "not_ready", "reason": "r" * 100_000}, "reason", 100),
    ]:
        method = api.client.put if url.endswith("status") else api.client.post
        response = await method(url, json=body, headers=alice)
        assert response.status_code == 422, response.text
        [error] = response.json()["error"]["fields"]
        assert error == {
            "field": field,
            "message": f"String should have at most {limit} characters",
        }


async def test_mark_done_without_a_body(api: Api, clock: FixedClock) -> None:
    alice, iid = await start(api, clock)
    done = await api.client.post(f"/api/v1/interactions/{iid}/done", headers=alice)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done" and done.json()["disposition"] is None


async def test_a_database_locked_elsewhere_answers_503_and_keeps_nothing_half_done(
    api: Api, clock: FixedClock
) -> None:
    """Another process holds the SQLite file's writers' gate past the wait: the write is
    refused with `database_busy` and a Retry-After, nothing of it is stored, and the same
    request goes through once the file is free."""
    gate = api.runtime.write_gate
    if gate is None or gate._path is None:
        pytest.skip("PostgreSQL: no writers' gate")
    alice, iid = await start(api, clock)
    url = f"/api/v1/interactions/{iid}/messages"
    body = {"text": "Hello", "client_id": "busy-1"}
    other = os.open(gate._path, os.O_RDWR | os.O_CREAT)  # another process's hold on the file
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        gate.wait_seconds = 0.2
        busy = await api.client.post(url, json=body, headers=alice)
    finally:
        os.close(other)
    assert busy.status_code == 503, busy.text
    assert busy.json()["error"]["code"] == "database_busy"
    assert busy.headers["retry-after"] == "5"
    assert await messages_stored(api) == 1, "nothing of the refused reply"
    sent = await api.client.post(url, json=body, headers=alice)
    assert sent.status_code == 201, sent.text
    assert await messages_stored(api) == 2


async def test_a_database_locked_by_a_process_outside_the_gate_answers_503(
    api: Api, clock: FixedClock
) -> None:
    """A `sqlite3` shell or a backup holds the file itself: SQLite's own busy timeout runs out,
    and the request is refused as busy (503, nothing stored), not as a fault of ours (500)."""
    if api.runtime.write_gate is None or api.runtime.write_gate._path is None:
        pytest.skip("PostgreSQL: no SQLite file to lock")
    alice, iid = await start(api, clock)
    engine = api.runtime.engine
    path = engine.url.database
    assert path

    def short_wait(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA busy_timeout=200")  # SQLite's 10 s, shortened for the test

    event.listen(engine.sync_engine, "connect", short_wait)
    await engine.dispose()  # new connections, with the short wait
    shell = sqlite3.connect(path, isolation_level=None)
    url = f"/api/v1/interactions/{iid}/messages"
    try:
        shell.execute("BEGIN IMMEDIATE")
        busy = await api.client.post(url, json={"text": "Hi", "client_id": "b2"}, headers=alice)
    finally:
        shell.execute("ROLLBACK")
        shell.close()
    assert busy.status_code == 503, busy.text
    assert busy.json()["error"]["code"] == "database_busy"
    assert await messages_stored(api) == 1
    sent = await api.client.post(url, json={"text": "Hi", "client_id": "b2"}, headers=alice)
    assert sent.status_code == 201, sent.text
