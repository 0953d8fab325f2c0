"""Dispositions and Not Ready reasons kept by admins: seeded from the settings, ordered,
renamed, deactivated (not deleted) once used, and what Mark Done and the status menu accept."""

from __future__ import annotations

from parley.clock import FixedClock
from parley.codes.seed import seed_code_lists
from tests.admin.support import audit, call, staff
from tests.api.conftest import Api, ApiFactory
from tests.api.support import customer_says, held_interactions


async def labels(api: Api, headers: dict[str, str], path: str) -> list[tuple[str, bool]]:
    items = (await call(api, "GET", path, headers))["items"]
    return [(c["label"], c["active"]) for c in items]


async def test_lists_start_from_the_settings_and_admins_keep_them(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(dispositions=("Resolved", "Escalated"), disposition_required=True,
                        not_ready_reasons=("Break", "Lunch")) as api:  # fmt: skip
        people = await staff(api, clock)
        assert await labels(api, people.agent, "/dispositions") == [
            ("Resolved", True), ("Escalated", True)
        ]  # fmt: skip
        added = await call(api, "POST", "/dispositions", people.admin, {"label": "Refund"},
                           status=201)  # fmt: skip
        assert added["position"] == 2 and added["used"] is False
        dup = await call(api, "POST", "/dispositions", people.admin, {"label": " refund "},
                         status=409)  # fmt: skip
        assert dup["error"]["code"] == "code_exists"
        ids = [c["id"] for c in (await call(api, "GET", "/dispositions", people.admin))["items"]]
        order = await call(api, "PUT", "/dispositions/order", people.admin,
                           {"ids": [ids[2], ids[0], ids[1]]})  # fmt: skip
        assert [c["label"] for c in order["items"]] == ["Refund", "Resolved", "Escalated"]
        partial = await call(api, "PUT", "/dispositions/order", people.admin, {"ids": ids[:2]},
                             status=422)  # fmt: skip
        assert partial["error"]["code"] == "incomplete_order"
        config = (await api.client.get("/api/v1/config")).json()
        assert config["dispositions"] == ["Refund", "Resolved", "Escalated"]
        assert api.events("codes.updated")[-1] == {
            "type": "codes.updated", "kind": "disposition",
            "labels": ["Refund", "Resolved", "Escalated"],
        }  # fmt: skip

        # Mark Done takes only the active codes; a used one is deactivated, never deleted.
        await customer_says(api, "Refund please", "wamid.C1")
        [held] = await held_interactions(api, people.agent)
        done = await call(api, "POST", f"/interactions/{held['id']}/done", people.agent,
                          {"disposition": "refund"})  # fmt: skip
        assert done["disposition"] == "Refund"
        used = await call(api, "DELETE", f"/dispositions/{ids[2]}", people.admin, status=409)
        assert used["error"]["code"] == "code_in_use"
        off = await call(api, "PATCH", f"/dispositions/{ids[2]}", people.admin, {"active": False})
        assert off["active"] is False and off["used"] is True
        await call(api, "DELETE", f"/dispositions/{ids[1]}", people.admin, status=204)
        # Required dispositions: the last active one stays.
        last = await call(api, "PATCH", f"/dispositions/{ids[0]}", people.admin, {"active": False},
                          status=409)  # fmt: skip
        assert last["error"]["code"] == "code_required"
        await customer_says(api, "Again", "wamid.C2")
        [again] = await held_interactions(api, people.agent)
        refused = await call(api, "POST", f"/interactions/{again['id']}/done", people.agent,
                             {"disposition": "Refund"}, status=422)  # fmt: skip
        assert refused["error"]["code"] == "unknown_disposition"
        required = await call(api, "POST", f"/interactions/{again['id']}/done", people.agent,
                              {}, status=422)  # fmt: skip
        assert required["error"]["code"] == "disposition_required"

        actions = [e["action"] for e in await audit(api, people.admin, action="disposition.")]
        assert actions == ["disposition.deleted", "disposition.deactivated",
                           "disposition.reordered", "disposition.created"]  # fmt: skip

        # Not Ready reasons, the same way; the status menu takes the active ones.
        reason = await call(api, "POST", "/not-ready-reasons", people.admin, {"label": "Coaching"},
                            status=201)  # fmt: skip
        me = await call(api, "PUT", "/me/status", people.agent,
                        {"status": "not_ready", "reason": "coaching"})  # fmt: skip
        assert me["status_reason"] == "Coaching"
        renamed = await call(api, "PATCH", f"/not-ready-reasons/{reason['id']}", people.admin,
                             {"label": "1:1 coaching"})  # fmt: skip
        assert renamed["label"] == "1:1 coaching"
        [entry] = await audit(api, people.admin, action="not_ready_reason.updated")
        assert entry["detail"]["changes"] == {"label": ["Coaching", "1:1 coaching"]}
        unknown = await call(api, "PUT", "/me/status", people.agent,
                             {"status": "not_ready", "reason": "Coaching"}, status=422)  # fmt: skip
        assert unknown["error"]["code"] == "unknown_reason"

        for who in (people.supervisor, people.agent):
            for method, path, body in (
                ("POST", "/dispositions", {"label": "X"}),
                ("POST", "/dispositions", {"label": ""}),  # 403 before the body's 422
                ("POST", "/users", {"username": "no spaces"}),
                ("POST", "/teams", {}),
                ("PATCH", f"/not-ready-reasons/{reason['id']}", {"active": False}),
                ("PUT", "/dispositions/order", {"ids": ids}),
                ("DELETE", f"/not-ready-reasons/{reason['id']}", None),
            ):
                answer = await call(api, method, path, who, body, status=403)
                assert answer["error"]["code"] == "admin_only"


async def test_a_list_is_seeded_once_and_stays_as_the_admins_left_it(
    api_with: ApiFactory, clock: FixedClock
) -> None:
    async with api_with(not_ready_reasons=("Break",)) as api:
        people = await staff(api, clock)
        [code] = (await call(api, "GET", "/not-ready-reasons", people.admin))["items"]
        await call(api, "DELETE", f"/not-ready-reasons/{code['id']}", people.admin, status=204)
        # The next start (another node, a restart) does not bring the emptied list back.
        await seed_code_lists(api.runtime.uow, clock, api.runtime.settings)
        assert await labels(api, people.admin, "/not-ready-reasons") == []
        config = (await api.client.get("/api/v1/config")).json()
        assert config["not_ready_reasons"] == []


async def test_a_renamed_code_in_use_stays_in_use(api_with: ApiFactory, clock: FixedClock) -> None:
    async with api_with(dispositions=("Resolved",), not_ready_reasons=("Break",)) as api:
        people = await staff(api, clock)
        [reason] = (await call(api, "GET", "/not-ready-reasons", people.admin))["items"]
        [code] = (await call(api, "GET", "/dispositions", people.admin))["items"]
        await customer_says(api, "Hello", "wamid.R1")
        [held] = await held_interactions(api, people.agent)
        await call(api, "POST", f"/interactions/{held['id']}/done", people.agent,
                   {"disposition": "Resolved"})  # fmt: skip
        await call(api, "PUT", "/me/status", people.agent,
                   {"status": "not_ready", "reason": "Break"})  # fmt: skip

        # The agent Not Ready with "Break" is now Not Ready with the new words, and hears so.
        renamed = await call(api, "PATCH", f"/not-ready-reasons/{reason['id']}", people.admin,
                             {"label": "Short break"})  # fmt: skip
        assert renamed["used"] is True
        me = await call(api, "GET", "/me", people.agent)
        assert (me["status"], me["status_reason"]) == ("not_ready", "Short break")
        assert api.events("agent.updated")[-1]["agent"]["status_reason"] == "Short break"
        held_reason = await call(api, "DELETE", f"/not-ready-reasons/{reason['id']}",
                                 people.admin, status=409)  # fmt: skip
        assert held_reason["error"]["code"] == "code_in_use"

        # The interaction keeps the words its agent picked and still holds the code.
        renamed = await call(api, "PATCH", f"/dispositions/{code['id']}", people.admin,
                             {"label": "Solved"})  # fmt: skip
        assert renamed["used"] is True
        in_use = await call(api, "DELETE", f"/dispositions/{code['id']}", people.admin,
                            status=409)  # fmt: skip
        assert in_use["error"]["code"] == "code_in_use"
        listed = (await call(api, "GET", "/dispositions", people.admin))["items"]
        assert [(c["label"], c["used"]) for c in listed] == [("Solved", True)]
        past = await call(api, "GET", f"/interactions/{held['id']}", people.agent)
        assert past["disposition"] == "Resolved"
