"""Mark Done with dispositions, Not Ready reasons, and the settings the desktop reads."""

from __future__ import annotations

import pytest

from parley.clock import FixedClock
from parley.settings import SettingsError, load_settings
from tests.api.conftest import Api, ApiFactory
from tests.api.support import customer_says, held_interactions


async def start(api: Api, clock: FixedClock) -> tuple[dict[str, str], int]:
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.IN1")
    [interaction] = await held_interactions(api, alice)
    return alice, interaction["id"]


async def test_done_takes_a_known_disposition_in_its_configured_spelling(
    api: Api, clock: FixedClock
) -> None:
    alice, iid = await start(api, clock)
    url = f"/api/v1/interactions/{iid}/done"
    for body, code in [
        ({"disposition": "Sold a yacht"}, "unknown_disposition"),
        ({"disposition": "x" * 101}, "validation_error"),
        ({"disposition": 7}, "validation_error"),
        ({"note": "n" * 4001}, "validation_error"),
        ({"note": "a\x00b"}, "validation_error"),
        ({"disposition": "Resolved\x00"}, "validation_error"),
        ({"extra": 1}, "validation_error"),
    ]:
        response = await api.client.post(url, json=body, headers=alice)
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), body
    still = (await api.client.get(f"/api/v1/interactions/{iid}", headers=alice)).json()
    assert still["state"] == "active", "a refused Mark Done changes nothing"
    done = await api.client.post(
        url, json={"disposition": "  follow-up NEEDED ", "note": "call back"}, headers=alice
    )
    assert done.status_code == 200
    assert done.json()["state"] == "done"
    assert done.json()["disposition"] == "Follow-up needed"


async def test_a_disposition_can_be_required(api_with: ApiFactory, clock: FixedClock) -> None:
    async with api_with(disposition_required=True, dispositions="Sale,No sale") as api:
        alice, iid = await start(api, clock)
        url = f"/api/v1/interactions/{iid}/done"
        for body in [{}, {"disposition": None}, {"disposition": "  "}]:
            response = await api.client.post(url, json=body, headers=alice)
            assert response.status_code == 422
            assert response.json()["error"]["code"] == "disposition_required"
        refused = await api.client.post(url, json={"disposition": "Resolved"}, headers=alice)
        assert refused.json()["error"]["code"] == "unknown_disposition"
        done = await api.client.post(url, json={"disposition": "no sale"}, headers=alice)
        assert done.json()["disposition"] == "No sale"
        config = (await api.client.get("/api/v1/config")).json()
        assert config["dispositions"] == ["Sale", "No sale"]
        assert config["disposition_required"] is True


async def test_config_tells_the_desktop_what_it_offers(api: Api) -> None:
    config = (await api.client.get("/api/v1/config")).json()
    attachments = config.pop("attachments")  # WhatsApp's types and limits (test_attachments.py)
    assert attachments["max_bytes"] == 100 * 1024 * 1024
    assert attachments["types"]["image/jpeg"]["max_bytes"] == 5 * 1024 * 1024
    assert config == {
        "pending_response_thresholds": [30, 50],
        "agent_capacity": 3,
        "auto_accept": True,  # the API tests' own setting; the default is off
        "offer_timeout_seconds": 30,
        "text_limit": 4096,
        "dispositions": ["Resolved", "Follow-up needed", "No response", "Escalated"],
        "disposition_required": False,
        "not_ready_reasons": ["Break", "Lunch", "Meeting", "Training", "After-call work"],
        "service_level_seconds": 60,
        "contact_fields": ["Company", "Customer number"],
        "send_read_receipts": True,
        "send_typing_indicator": True,
    }


async def test_not_ready_takes_a_configured_reason(api: Api, clock: FixedClock) -> None:
    alice = await api.agent(clock, "alice")
    url = "/api/v1/me/status"
    for body, code in [
        ({"status": "not_ready", "reason": "Nap"}, "unknown_reason"),
        ({"status": "away"}, "validation_error"),
        ({"status": "not_ready", "reason": "x" * 101}, "validation_error"),
        ({"status": "not_ready", "reason": "Lunch\x00"}, "validation_error"),
    ]:
        response = await api.client.put(url, json=body, headers=alice)
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), body
    assert (await api.client.get("/api/v1/me", headers=alice)).json()["status"] == "ready"

    clock.advance(60)
    lunch = await api.client.put(
        url, json={"status": "not_ready", "reason": "lunch"}, headers=alice
    )
    assert lunch.status_code == 200
    me = lunch.json()
    assert (me["status"], me["status_reason"]) == ("not_ready", "Lunch")
    assert me["status_since"] == "2026-01-05T09:01:00Z"
    clock.advance(60)
    again = await api.client.put(
        url, json={"status": "not_ready", "reason": "Lunch"}, headers=alice
    )
    assert again.json()["status_since"] == me["status_since"], "a repeat keeps the timer running"
    plain = await api.client.put(url, json={"status": "not_ready"}, headers=alice)
    assert (plain.json()["status_reason"], plain.json()["status_since"]) == (
        None,
        "2026-01-05T09:02:00Z",
    )
    ready = await api.client.put(url, json={"status": "ready", "reason": "Lunch"}, headers=alice)
    assert (ready.json()["status"], ready.json()["status_reason"]) == ("ready", None)
    updates = [e["agent"] for e in api.events("agent.updated")]
    assert updates[-1]["status"] == "ready"


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"dispositions": "Sale,sale"}, "PARLEY_DISPOSITIONS"),
        ({"not_ready_reasons": "Break," + "x" * 101}, "PARLEY_NOT_READY_REASONS"),
        ({"dispositions": "", "disposition_required": True}, "settings"),
        ({"contact_fields": "Tier,tier"}, "PARLEY_CONTACT_FIELDS"),
        ({"default_country": "Brazil"}, "PARLEY_DEFAULT_COUNTRY"),
    ],
)
def test_bad_code_lists_are_refused_at_start(overrides: dict[str, object], name: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, **overrides)
    assert str(refused.value).startswith(name)


def test_code_lists_come_from_comma_separated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_NOT_READY_REASONS", " Coaching , Break,,")
    monkeypatch.setenv("PARLEY_DISPOSITIONS", "")
    settings = load_settings(_env_file=None)
    assert settings.not_ready_reasons == ("Coaching", "Break")
    assert settings.dispositions == ()
    assert settings.auto_accept is False
