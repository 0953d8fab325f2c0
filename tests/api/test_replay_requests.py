"""POST /api/v1/ingest/replay refuses what chooses nothing, loose types and unknown fields,
naming the fields at fault."""

from __future__ import annotations

from typing import Any

from parley.clock import FixedClock
from tests.api.conftest import Api
from tests.factories import add_agent

URL = "/api/v1/ingest/replay"


async def admin(api: Api, clock: FixedClock) -> dict[str, str]:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", role="admin", ready=False)
    return {"Authorization": f"Bearer {await api.login('root')}"}


async def refused(api: Api, headers: dict[str, str], body: object) -> dict[str, Any]:
    response = await api.client.post(URL, json=body, headers=headers)
    assert response.status_code == 422, (body, response.text)
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "validation_error", body
    return error


async def test_a_choice_of_nothing_names_the_fields(api: Api, clock: FixedClock) -> None:
    headers = await admin(api, clock)
    nothing = await refused(api, headers, {})
    assert nothing["message"] == "Choose what to replay: failed webhooks, a time range, or both."
    assert [f["field"] for f in nothing["fields"]] == ["failed_only", "since", "until"]
    for body in [
        {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
        {"since": "2026-01-02T00:00:00Z", "until": "2026-01-02T01:00:00+01:00"},
    ]:
        empty = await refused(api, headers, body)
        assert empty["message"] == "The start of the range must be before its end."
        assert [f["field"] for f in empty["fields"]] == ["since", "until"]
    assert (await refused(api, headers, {"failed_only": False}))["fields"]


async def test_types_are_strict_and_unknown_fields_refused(api: Api, clock: FixedClock) -> None:
    headers = await admin(api, clock)
    for body, field in [
        ({"since": 0}, "since"),
        ({"since": "1767603600"}, "since"),
        ({"until": 1767603600.5}, "until"),
        ({"since": "2026-01-01T00:00:00"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"failed_only": "yes"}, "failed_only"),
        ({"failed_only": 1}, "failed_only"),
        ({"failed_only": "true"}, "failed_only"),
        ({"failed": True}, "failed"),
        ({"failed_only": True, "dry_run": True}, "dry_run"),
    ]:
        error = await refused(api, headers, body)
        assert [f["field"] for f in error["fields"]] == [field], body
        assert error["message"].startswith(f"{field}: "), body
    for body in [
        {"failed_only": True},
        {"since": "2026-01-01T00:00:00Z"},
        {"since": "2026-01-01T00:00:00+02:00", "until": "2026-01-02T00:00:00-03:00"},
    ]:
        response = await api.client.post(URL, json=body, headers=headers)
        assert response.status_code == 202 and response.json() == {"queued": 0}, body
