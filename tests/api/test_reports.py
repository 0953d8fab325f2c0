"""Service reports for integrators (JSON, CSV, OpenAPI) and the floor's gauges at /metrics."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from parley.clock import FixedClock
from parley.db.engine import build_engine, build_sessionmaker
from parley.ingest.log import prepare_log
from parley.routing.sessions import close_idle_sessions
from tests.api.conftest import Api, ApiFactory
from tests.api.support import BRUNO, customer_says, eventually, held_interactions
from tests.conftest import make_settings
from tests.factories import add_agent


async def supervisor(api: Api, clock: FixedClock) -> dict[str, str]:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "sara", role="supervisor", ready=False)
    return {"Authorization": f"Bearer {await api.login('sara')}"}


async def test_the_service_level_report_as_json_and_csv_with_handle_time_across_parking(
    api: Api, clock: FixedClock
) -> None:
    sara = await supervisor(api, clock)
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.R1")
    [held] = await held_interactions(api, alice)  # auto-accept: answered at once
    iid = held["id"]
    clock.advance(60)
    await api.client.post(f"/api/v1/interactions/{iid}/workbin", headers=alice)
    clock.advance(600)  # ten minutes parked: not handle time
    opened = await api.client.post(f"/api/v1/interactions/{iid}/open", headers=alice)
    assert opened.status_code == 200
    clock.advance(30)
    done = await api.client.post(f"/api/v1/interactions/{iid}/done", json={}, headers=alice)
    assert done.status_code == 200

    period = {"from": "2026-01-05", "to": "2026-01-06"}
    report = await api.client.get("/api/v1/reports/service-level", params=period, headers=sara)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["from"] == "2026-01-05T00:00:00Z" and body["to"] == "2026-01-06T00:00:00Z"
    assert (body["offered"], body["answered"], body["abandoned"]) == (1, 1, 0)
    assert body["service_level"] == 1 and body["average_wait_seconds"] == 0
    assert body["handled"] == 1 and body["average_handle_seconds"] == 90

    as_csv = await api.client.get(
        "/api/v1/reports/service-level", params=period, headers={**sara, "Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    [row] = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert row["from"] == "2026-01-05T00:00:00Z" and row["offered"] == "1"
    assert row["average_handle_seconds"] == "90" and row["p90_wait_seconds"] == "0"

    # Outside the period: nothing.
    other = await api.client.get(
        "/api/v1/reports/service-level", params={"from": "2026-01-06"}, headers=sara
    )
    assert other.json()["offered"] == 0 and other.json()["service_level"] is None

    agents = await api.client.get(
        "/api/v1/reports/agents", params={**period, "format": "csv"}, headers=sara
    )
    [alice_row] = list(csv.DictReader(io.StringIO(agents.text)))
    assert (alice_row["name"], alice_row["answered"], alice_row["done"]) == ("Alice", "1", "1")
    assert alice_row["handle_seconds"] == "90"

    slices = await api.client.get(
        "/api/v1/reports/intervals", params={**period, "minutes": 60}, headers=sara
    )
    items = slices.json()["items"]
    assert len(items) == 24 and items[9]["offered"] == 1 and items[9]["handled"] == 1
    assert sum(i["offered"] for i in items) == 1


async def test_reports_refuse_a_bad_period_with_a_clear_message(
    api: Api, clock: FixedClock
) -> None:
    sara = await supervisor(api, clock)
    cases = [
        {"from": "yesterday"},
        {"from": "2026-01-05", "to": "2026-01-05"},
        {"from": "2026-01-01", "to": "2026-12-31"},
        {"from": "2026-02-30"},
        {"from": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
    ]
    for params in cases:
        response = await api.client.get(
            "/api/v1/reports/service-level", params=params, headers=sara
        )
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] in {"invalid_period", "period_too_long"}
        assert response.json()["error"]["message"]
    bad_minutes = await api.client.get("/api/v1/reports/intervals?minutes=0", headers=sara)
    assert bad_minutes.status_code == 422
    too_many = await api.client.get(
        "/api/v1/reports/intervals",
        params={"from": "2026-01-01", "to": "2026-03-01", "minutes": 5},
        headers=sara,
    )
    assert too_many.status_code == 422
    assert too_many.json()["error"]["code"] == "too_many_intervals"
    far = await api.client.get("/api/v1/floor?since=9999-12-31", headers=sara)
    assert far.status_code == 422
    bad_since = await api.client.get("/api/v1/floor?since=noon", headers=sara)
    assert bad_since.status_code == 422
    offset = await api.client.get(
        "/api/v1/reports/service-level",
        params={"from": "2026-01-05T00:00:00+01:00"},
        headers=sara,
    )
    assert offset.json()["from"] == "2026-01-04T23:00:00Z"


async def test_reports_are_in_the_openapi_document(api: Api) -> None:
    paths = (await api.client.get("/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/reports/service-level",
        "/api/v1/reports/intervals",
        "/api/v1/reports/agents",
        "/api/v1/floor",
        "/api/v1/agents/{agent_id}/status",
    ):
        assert path in paths, path
    content = paths["/api/v1/reports/service-level"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(content)


async def test_the_floor_gauges_read_the_whole_floor_at_scrape(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False) as api:
        await api.agent(clock, "alice", ready=False)
        await api.agent(clock, "bob", ready=False)
        await customer_says(api, "Hi", "wamid.G1")
        await customer_says(api, "Hello", "wamid.G2", wa_id=BRUNO, name="Bruno")
        clock.advance(42)

        async def scraped() -> str | None:
            text = (await api.client.get("/metrics")).text
            return text if "parley_queue_depth 2.0" in text else None

        text = await eventually(scraped, "both customers are queued")
        assert "parley_queue_longest_wait_seconds 42.0" in text
        assert 'parley_agents{state="not_ready"} 2.0' in text
        assert 'parley_agents{state="ready"} 0.0' in text


async def held_or_queued(api: Api) -> bool:
    text = (await api.client.get("/metrics")).text
    return "parley_queue_depth 1.0" in text


async def test_the_floor_gauges_are_read_from_the_database_when_the_log_has_its_own_file(
    api_with: ApiFactory, clock: FixedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with api_with(auto_accept=False) as api:
        await api.agent(clock, "alice", ready=False)
        await customer_says(api, "Hi", "wamid.L1")
        await eventually(lambda: held_or_queued(api), "the customer is queued")
        # As `parley serve` on SQLite runs it: the webhook log in a file beside the database.
        log = build_engine(make_settings(tmp_path, database_url=f"sqlite:///{tmp_path}/l.db"))
        await prepare_log(log, api.runtime.engine)
        api.runtime.log_sessionmaker = build_sessionmaker(log)
        try:
            text = (await api.client.get("/metrics")).text
        finally:
            await log.dispose()
        assert "parley_queue_depth 1.0" in text
        assert 'parley_agents{state="not_ready"} 1.0' in text
        assert "failed" not in caplog.text, caplog.text  # neither reading failed


async def test_a_customer_nobody_answered_is_abandoned_when_the_session_closes(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(auto_accept=False, agent_capacity=1, session_timeout_seconds=3600) as api:
        sara = await supervisor(api, clock)
        alice = await api.agent(clock, "alice", ready=False)
        await customer_says(api, "Hello?", "wamid.A1")
        await customer_says(api, "Anyone?", "wamid.A2", wa_id=BRUNO, name="Bruno")

        async def both_queued() -> bool:
            body = (await api.client.get("/api/v1/floor", headers=sara)).json()
            return len(body["queue"]) == 2

        await eventually(both_queued, "both customers wait")
        clock.advance(30)
        await api.client.put("/api/v1/me/status", json={"status": "ready"}, headers=alice)
        [offer] = await held_interactions(api, alice)
        accepted = await api.client.post(
            f"/api/v1/interactions/{offer['id']}/accept", headers=alice
        )
        assert accepted.status_code == 200
        await api.client.put(
            "/api/v1/me/status", json={"status": "not_ready", "reason": "Lunch"}, headers=alice
        )
        clock.advance(api.runtime.settings.session_timeout_seconds + 1)
        async with api.runtime.uow() as uow:
            assert (
                await close_idle_sessions(
                    uow, clock, timeout_seconds=api.runtime.settings.session_timeout_seconds
                )
                == 1
            )
            await uow.commit()

        response = await api.client.get(
            "/api/v1/reports/service-level", params={"from": "2026-01-05"}, headers=sara
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["offered"], body["answered"], body["abandoned"], body["waiting"]) == (
            2,
            1,
            1,
            0,
        )
        assert body["service_level"] == 0.5  # 1 answered in time of 2 known outcomes
        assert body["average_wait_seconds"] == 30  # the abandoned wait is not an answer wait
