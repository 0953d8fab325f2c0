"""Schemathesis against `/openapi.json`, in process, as a logged-in agent: valid and invalid
inputs to every operation get an answer in the documented shape, never a 500."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from parley.app import create_app
from parley.clock import FixedClock
from tests.conftest import START, make_settings
from tests.factories import PASSWORD, add_agent, store_webhook, text_webhook
from tests.fuzz import examples

pytestmark = pytest.mark.reliability
T = TypeVar("T")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(
    max_examples=examples(150),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def to_httpx(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis serialises for `requests`; httpx wants raw bytes as `content`."""
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    cookies = kwargs.pop("cookies", None)
    if cookies:
        pairs = "; ".join(f"{name}={value}" for name, value in cookies.items())
        kwargs["headers"] = {**kwargs.get("headers", {}), "Cookie": pairs}
    data = kwargs.pop("data", None)
    if isinstance(data, bytes | str):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    return kwargs


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_500_or_off_schema(
    tmp_path: Path, database_url: str, mode: GenerationMode
) -> None:
    clock = FixedClock(START)
    app = create_app(
        make_settings(tmp_path, database_url=database_url, auto_accept=True),
        clock=clock,
        migrate=False,
        graph_http=httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(503))),
    )
    schema = schemathesis.openapi.from_dict(app.openapi()).exclude(path="/api/v1/auth/logout")
    with asyncio.Runner() as runner:
        run: Callable[[Coroutine[Any, Any, T]], T] = runner.run
        lifespan = app.router.lifespan_context(app)
        run(lifespan.__aenter__())
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        try:
            headers = run(seed(app, client, clock))

            @FUZZ
            @given(case=schema.as_strategy(generation_mode=mode))
            def answers_well(case: schemathesis.Case) -> None:
                kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
                response = run(client.request(**to_httpx(kwargs)))
                case.validate_response(response, checks=CHECKS, headers=headers)

            answers_well()
        finally:
            run(client.aclose())
            run(lifespan.__aexit__(None, None, None))


async def seed(app: Any, client: httpx.AsyncClient, clock: FixedClock) -> dict[str, str]:
    """alice, Ready, holding one interaction with a message: ids 1 exist for the fuzzer."""
    runtime = app.state.runtime
    async with runtime.uow() as uow:
        await add_agent(uow, clock, "alice")
        await store_webhook(uow, clock, text_webhook("5511987654321", "Hi", "wamid.FUZZ1"))
    runtime.wake("ingest")
    for _ in range(200):
        login = await client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        mine = (await client.get("/api/v1/interactions", headers=headers)).json()["items"]
        if mine:
            client.cookies.clear()  # the bearer token alone authenticates the fuzzer
            return headers
        await asyncio.sleep(0.02)
    raise AssertionError("the seeded interaction was never routed")


async def test_values_no_column_holds_are_refused_not_500(
    tmp_path: Path, database_url: str
) -> None:
    clock = FixedClock(START)
    app = create_app(make_settings(tmp_path, database_url=database_url), clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = await seed(app, client, clock)
            too_big = await client.get(f"/api/v1/interactions/{2**31}", headers=headers)
            far_too_big = await client.get(f"/api/v1/interactions/{2**70}", headers=headers)
            nul = await client.post(
                "/api/v1/auth/login", json={"username": "al\x00ice", "password": PASSWORD}
            )
    assert too_big.status_code in (404, 422) and far_too_big.status_code in (404, 422)
    assert nul.status_code in (401, 422), nul.text
    assert nul.json()["error"]["code"] in ("invalid_credentials", "validation_error")
