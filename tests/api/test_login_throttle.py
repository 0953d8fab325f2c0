"""Guessing passwords: after a few failures the login answers 429 for a while."""

from __future__ import annotations

from parley.clock import FixedClock
from tests.api.conftest import Api, ApiFactory
from tests.factories import PASSWORD


async def test_failed_logins_are_throttled_then_allowed_again(api: Api, clock: FixedClock) -> None:
    await api.agent(clock, "bob", ready=False)
    url = "/api/v1/auth/login"
    for _ in range(5):
        wrong = await api.client.post(url, json={"username": "bob", "password": "guess"})
        assert wrong.status_code == 401
    for password in ("guess", PASSWORD):  # even the right password waits
        held = await api.client.post(url, json={"username": "bob", "password": password})
        assert held.status_code == 429
        assert held.json()["error"]["code"] == "rate_limited"
        assert held.headers["retry-after"] == "300"
    clock.advance(301)
    assert (await api.client.post(url, json={"username": "bob", "password": PASSWORD})).is_success


async def test_failures_on_two_nodes_count_together(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    url = "/api/v1/auth/login"
    async with api_with() as first, api_with() as second:
        await first.agent(clock, "bob", ready=False)
        for node in (first, second, first, second, first):
            wrong = await node.client.post(url, json={"username": "bob", "password": "guess"})
            assert wrong.status_code == 401
        held = await second.client.post(url, json={"username": "bob", "password": PASSWORD})
        assert held.status_code == 429, "the sixth try waits, whichever node it reaches"


async def test_a_success_clears_the_username_count(api: Api, clock: FixedClock) -> None:
    await api.agent(clock, "bob", ready=False)
    url = "/api/v1/auth/login"
    for _ in range(4):
        await api.client.post(url, json={"username": "bob", "password": "guess"})
    assert (await api.client.post(url, json={"username": "bob", "password": PASSWORD})).is_success
    for _ in range(4):
        wrong = await api.client.post(url, json={"username": "bob", "password": "guess"})
        assert wrong.status_code == 401
