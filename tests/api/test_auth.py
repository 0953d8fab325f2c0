"""Logging in and out, cookies with CSRF, bearer tokens, status, and who may see what."""

from __future__ import annotations

import httpx

from parley.clock import FixedClock
from tests.api.conftest import Api
from tests.factories import PASSWORD


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]
    code: str = body["error"]["code"]
    return code


async def test_wrong_password_is_refused_clearly(api: Api, clock: FixedClock) -> None:
    await api.agent(clock, "alice")
    response = await api.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "nope nope"}
    )
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"
    unknown = await api.client.post(
        "/api/v1/auth/login", json={"username": "mallory", "password": "whatever1"}
    )
    assert unknown.status_code == 401 and error_code(unknown) == "invalid_credentials"


async def test_browser_login_sets_an_httponly_cookie_and_needs_csrf(
    api: Api, clock: FixedClock
) -> None:
    await api.agent(clock, "alice")
    response = await api.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("parley_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    csrf = response.json()["csrf_token"]
    me = await api.client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "alice"
    refused = await api.client.put("/api/v1/me/status", json={"status": "ready"})
    assert refused.status_code == 403 and error_code(refused) == "csrf_failed"
    forged = await api.client.put(
        "/api/v1/me/status", json={"status": "ready"}, headers={"X-CSRF-Token": "guess"}
    )
    assert forged.status_code == 403
    allowed = await api.client.put(
        "/api/v1/me/status", json={"status": "ready"}, headers={"X-CSRF-Token": csrf}
    )
    assert allowed.status_code == 200 and allowed.json()["status"] == "ready"


async def test_logout_ends_the_token_and_the_agents_presence(api: Api, clock: FixedClock) -> None:
    headers = await api.agent(clock, "alice")
    assert (await api.client.get("/api/v1/me", headers=headers)).json()["status"] == "ready"
    assert (await api.client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    after = await api.client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401 and error_code(after) == "session_expired"
    token = await api.login("alice")
    me = await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["status"] == "not_ready"


async def test_requests_without_login_are_refused(api: Api) -> None:
    for method, path in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/interactions"),
        ("POST", "/api/v1/interactions/1/done"),
    ]:
        response = await api.client.request(method, path, json={})
        assert response.status_code == 401, path
        assert error_code(response) == "not_authenticated"
    garbage = await api.client.get("/api/v1/me", headers={"Authorization": "Bearer x' OR 1=1"})
    assert garbage.status_code == 401


async def test_bad_status_values_get_a_validation_error(api: Api, clock: FixedClock) -> None:
    headers = await api.agent(clock, "alice")
    response = await api.client.put(
        "/api/v1/me/status", json={"status": "sleeping"}, headers=headers
    )
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert response.json()["error"]["fields"][0]["field"] == "status"
    malformed = await api.client.put(
        "/api/v1/me/status",
        content=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert (malformed.status_code, error_code(malformed)) == (400, "bad_request")
    not_ready = await api.client.put(
        "/api/v1/me/status", json={"status": "not_ready", "reason": "Lunch"}, headers=headers
    )
    assert not_ready.json()["status_reason"] == "Lunch"
