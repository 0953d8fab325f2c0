"""Teams through the API: admins make them with members and shared workbins; an agent sees only
their teams' shared workbins (and the ones no team uses); a supervisor limited to their teams
sees and steers only their teams' agents."""

from __future__ import annotations

from typing import Any

from parley.auth.models import User
from parley.clock import FixedClock
from parley.teams.service import visible_agent_ids
from tests.admin.support import Headers, audit, call, staff, user_id
from tests.api.conftest import Api
from tests.api.support import BRUNO, customer_says, held_interactions


async def shared(api: Api, headers: Headers) -> set[str]:
    items = (await call(api, "GET", "/workbins", headers))["items"]
    return {w["name"] for w in items if w["kind"] == "shared"}


async def test_admins_manage_teams_and_others_cannot(api: Api, clock: FixedClock) -> None:
    people = await staff(api, clock)
    alice = await user_id(api, people.admin, "alice")
    bin_ = await call(api, "POST", "/workbins", people.admin, {"name": "Escalations"}, status=201)
    team = await call(api, "POST", "/teams", people.admin,
                      {"name": "Billing", "member_ids": [alice], "workbin_ids": [bin_["id"]]},
                      status=201)  # fmt: skip
    assert [m["username"] for m in team["members"]] == ["alice"]
    assert team["workbins"] == [{"id": bin_["id"], "name": "Escalations"}]
    dup = await call(api, "POST", "/teams", people.admin, {"name": "billing"}, status=409)
    assert dup["error"]["code"] == "team_exists"
    personal = next(w for w in (await call(api, "GET", "/workbins", people.agent))["items"]
                if w["kind"] == "personal")  # fmt: skip
    refused = await call(api, "PATCH", f"/teams/{team['id']}", people.admin,
                         {"workbin_ids": [personal["id"]]}, status=422)  # fmt: skip
    assert refused["error"]["code"] == "workbin_personal"

    for who in (people.supervisor, people.agent):
        for method, path, body in (
            ("POST", "/teams", {"name": "X"}),
            ("PATCH", f"/teams/{team['id']}", {"name": "Y"}),
            ("DELETE", f"/teams/{team['id']}", None),
        ):
            answer = await call(api, method, path, who, body, status=403)
            assert answer["error"]["code"] == "admin_only"
    await call(api, "GET", "/teams", people.agent, status=403)
    assert [t["name"] for t in (await call(api, "GET", "/teams", people.supervisor))["items"]] == [
        "Billing"
    ]

    renamed = await call(api, "PATCH", f"/teams/{team['id']}", people.admin,
                         {"name": "Billing & Refunds", "member_ids": []})  # fmt: skip
    assert renamed["members"] == [] and renamed["name"] == "Billing & Refunds"
    await call(api, "DELETE", f"/teams/{team['id']}", people.admin, status=204)
    await call(api, "GET", f"/teams/{team['id']}", people.admin, status=404)
    actions = [e["action"] for e in await audit(api, people.admin)]
    assert actions[:4] == ["team.deleted", "team.updated", "team.created", "workbin.created"]
    assert api.events("team.removed") == [{"type": "team.removed", "team_id": team["id"]}]


async def test_an_agent_sees_only_the_shared_workbins_of_their_teams(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    bruno = await api.agent(clock, "bruno")
    carla = await api.agent(clock, "carla")  # in no team: sees every shared workbin, as before
    ids = {n: await user_id(api, people.admin, n) for n in ("alice", "bruno")}
    made = {}
    for name in ("Billing queue", "Tech queue", "Everyone's"):
        made[name] = await call(api, "POST", "/workbins", people.admin, {"name": name}, status=201)
    for team, member, workbin in (
        ("Billing", "alice", "Billing queue"),
        ("Tech", "bruno", "Tech queue"),
    ):
        await call(api, "POST", "/teams", people.admin,
                   {"name": team, "member_ids": [ids[member]], "workbin_ids": [made[workbin]["id"]]},
                   status=201)  # fmt: skip
    assert await shared(api, people.agent) == {"Billing queue", "Everyone's"}
    assert await shared(api, bruno) == {"Tech queue", "Everyone's"}
    assert await shared(api, carla) == {"Billing queue", "Tech queue", "Everyone's"}
    assert len(await shared(api, people.supervisor)) == 3
    tech = made["Tech queue"]["id"]
    hidden = await call(api, "GET", f"/workbins/{tech}/items", people.agent, status=404)
    assert hidden["error"]["code"] == "workbin_not_found"

    # Alice cannot park in Tech's workbin; Bruno can, and Alice hears nothing of it.
    await customer_says(api, "Hi", "wamid.T1")
    [held] = await held_interactions(api, people.agent)
    await call(api, "POST", f"/interactions/{held['id']}/workbin", people.agent,
               {"workbin_id": tech}, status=404)  # fmt: skip
    await call(api, "POST", f"/interactions/{held['id']}/workbin", people.agent,
               {"workbin_id": made["Billing queue"]["id"]})  # fmt: skip
    [event] = [e for e in api.bus.published if e.event["type"] == "workbin.item_updated"]
    assert ids["alice"] in event.user_ids and ids["bruno"] not in event.user_ids
    # Bruno cannot read the parked chat through the interaction either.
    await call(api, "GET", f"/interactions/{held['id']}", bruno, status=404)
    await call(api, "GET", f"/interactions/{held['id']}", carla)


async def test_a_supervisor_limited_to_their_teams_sees_and_steers_only_them(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    bruno = await api.agent(clock, "bruno")
    ids = {n: await user_id(api, people.admin, n) for n in ("alice", "bruno", "sara", "root")}
    await call(api, "POST", "/teams", people.admin,
               {"name": "Billing", "member_ids": [ids["alice"], ids["sara"]]}, status=201)  # fmt: skip
    await call(api, "PATCH", f"/users/{ids['alice']}", people.admin, {"capacity": 1})
    await customer_says(api, "From Ana", "wamid.S1")
    [ana] = await held_interactions(api, people.agent)
    await customer_says(api, "From Bruno's customer", "wamid.S2", wa_id=BRUNO, name="Bruno")
    [other] = await held_interactions(api, bruno)

    async def history(who: Headers) -> set[int]:
        return {i["id"] for i in (await call(api, "GET", "/history", who))["items"]}

    assert await history(people.supervisor) == {ana["id"], other["id"]}  # scope "all"
    await call(api, "PATCH", f"/users/{ids['sara']}", people.admin, {"supervisor_scope": "teams"})
    async with api.runtime.reader() as uow:
        sara = await uow.session.get(User, ids["sara"])
        assert sara is not None
        assert await visible_agent_ids(uow.session, sara) == {ids["alice"], ids["sara"]}
        root = await uow.session.get(User, ids["root"])
        assert root is not None and await visible_agent_ids(uow.session, root) is None

    assert await history(people.supervisor) == {ana["id"]}
    users = await call(api, "GET", "/users", people.supervisor)
    assert {u["username"] for u in users["items"]} == {"alice", "sara"}
    await call(api, "GET", f"/users/{ids['bruno']}", people.supervisor, status=404)
    # Moving Bruno's chat, or giving Alice's chat to Bruno, is outside her teams.
    for iid, agent in ((other["id"], ids["alice"]), (ana["id"], ids["bruno"])):
        answer = await call(api, "POST", f"/interactions/{iid}/assign", people.supervisor,
                            {"agent_id": agent}, status=403)  # fmt: skip
        assert answer["error"]["code"] == "outside_scope"
    # Her teams' entries of the audit log: actions by or on Alice and herself, not Bruno.
    await call(api, "PATCH", f"/users/{ids['bruno']}", people.admin, {"name": "Bruno L"})
    seen: list[dict[str, Any]] = await audit_as(api, people.supervisor)
    assert {e["subject_id"] for e in seen} == {str(ids["sara"]), str(ids["alice"])}
    assert len(await audit_as(api, people.admin)) == 3


async def audit_as(api: Api, headers: Headers) -> list[dict[str, Any]]:
    return await audit(api, headers, action="user.")


async def test_the_floor_shows_a_scoped_supervisor_their_teams_and_never_a_deactivated_agent(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    await api.agent(clock, "bruno")
    ids = {n: await user_id(api, people.admin, n) for n in ("alice", "bruno", "sara")}
    await call(api, "POST", "/teams", people.admin,
               {"name": "Billing", "member_ids": [ids["alice"], ids["sara"]]}, status=201)  # fmt: skip

    async def floor_agents(who: Headers) -> set[str]:
        return {a["username"] for a in (await call(api, "GET", "/floor", who))["agents"]}

    assert await floor_agents(people.supervisor) == {"alice", "bruno"}
    await call(api, "PATCH", f"/users/{ids['sara']}", people.admin, {"supervisor_scope": "teams"})
    assert await floor_agents(people.supervisor) == {"alice"}
    outside = await call(api, "PUT", f"/agents/{ids['bruno']}/status", people.supervisor,
                         {"status": "not_ready", "reason": "Break"}, status=404)  # fmt: skip
    assert outside["error"]["code"] == "agent_not_found"
    # The floor's Not Ready reasons are the admins' list.
    await call(api, "POST", "/not-ready-reasons", people.admin, {"label": "Coaching"}, status=201)
    set_ = await call(api, "PUT", f"/agents/{ids['alice']}/status", people.supervisor,
                      {"status": "not_ready", "reason": "coaching"})  # fmt: skip
    assert set_["status_reason"] == "Coaching"
    await call(api, "POST", f"/users/{ids['bruno']}/deactivate", people.admin)
    assert await floor_agents(people.admin) == {"alice"}
