"""GET /api/v1/account/alerts: what WhatsApp said about the account, the banner admins see."""

from __future__ import annotations

import orjson

from parley.clock import FixedClock
from parley.whatsapp.signature import sign
from tests.api.conftest import Api
from tests.api.support import SECRET, eventually
from tests.factories import add_agent


def account_update(event: str, **more: object) -> bytes:
    value = {"phone_number": "15550001111", "event": event, **more}
    return orjson.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "account_update", "value": value}]}],
        }
    )


async def test_admins_see_the_newest_severe_alert_as_a_banner(api: Api, clock: FixedClock) -> None:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", role="admin", ready=False)
    admin = {"Authorization": f"Bearer {await api.login('root')}"}
    agent = await api.agent(clock, "alice", ready=False)
    assert (await api.client.get("/api/v1/account/alerts", headers=agent)).status_code == 403
    empty = (await api.client.get("/api/v1/account/alerts", headers=admin)).json()
    assert empty == {"items": [], "banner": None}
    body = account_update("DISABLED_UPDATE", ban_info={"waba_ban_state": "DISABLE"})
    response = await api.client.post(
        "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )
    assert response.status_code == 200

    async def listed() -> object:
        answer = (await api.client.get("/api/v1/account/alerts", headers=admin)).json()
        return answer if answer["items"] else None

    answer = await eventually(listed, "the alert is stored")
    assert answer["banner"]["title"] == "WhatsApp disabled this account: ban state DISABLE"
    assert answer["banner"]["severe"] is True
