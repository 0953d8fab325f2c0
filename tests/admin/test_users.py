"""Admins manage users through the API: add, change, reset a password, deactivate, reactivate;
every role's permissions; every action in the audit log."""

from __future__ import annotations

from parley.clock import FixedClock
from tests.admin.support import audit, call, staff, user_id
from tests.api.conftest import Api
from tests.api.support import customer_says, held_interactions
from tests.factories import PASSWORD


async def login(api: Api, username: str, password: str, status: int = 200) -> dict[str, str]:
    response = await api.client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    api.client.cookies.clear()
    assert response.status_code == status, response.text
    if status != 200:
        return {"code": response.json()["error"]["code"]}
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_an_admin_adds_a_user_who_must_choose_their_own_password(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    created = await call(api, "POST", "/users", people.admin,
                         {"username": "bob", "name": "Bob Lima", "role": "agent", "capacity": 2},
                         status=201)  # fmt: skip
    temporary = created["temporary_password"]
    assert len(temporary) == 19 and created["user"]["must_change_password"] is True
    assert created["user"]["capacity"] == 2 and created["user"]["active"] is True

    bob = await login(api, "bob", temporary)
    me = await call(api, "GET", "/me", bob)
    assert me["must_change_password"] is True
    # Until the temporary password is changed, nothing else answers.
    refused = await call(api, "GET", "/interactions", bob, status=403)
    assert refused["error"]["code"] == "password_change_required"
    # Nobody reset Bob's password: the message does not say anyone did.
    assert refused["error"]["message"] == (
        "Choose your own password to start: the one you have is temporary."
    )
    wrong = await call(api, "PUT", "/me/password", bob,
                       {"current_password": "nope", "new_password": "bob-secret-1"}, status=422)  # fmt: skip
    assert wrong["error"]["code"] == "wrong_password"
    changed = await call(api, "PUT", "/me/password", bob,
                         {"current_password": temporary, "new_password": "bob-secret-1"})  # fmt: skip
    assert changed["must_change_password"] is False
    assert (await call(api, "GET", "/interactions", bob))["items"] == []
    await login(api, "bob", temporary, status=401)
    await login(api, "bob", "bob-secret-1")

    actions = [e["action"] for e in await audit(api, people.admin)]
    assert actions[:2] == ["user.password_changed", "user.created"]
    [entry] = await audit(api, people.admin, action="user.created")
    assert (
        entry["actor"]["username"] == "root" and entry["summary"] == "Root added the agent Bob Lima"
    )


async def test_only_admins_change_users_and_agents_cannot_list_them(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    alice = await user_id(api, people.admin, "alice")
    writes = [
        ("POST", "/users", {"username": "eve", "role": "admin", "password": "longenough"}),
        ("PATCH", f"/users/{alice}", {"role": "admin"}),
        ("POST", f"/users/{alice}/password", {}),
        ("POST", f"/users/{alice}/deactivate", None),
        ("POST", f"/users/{alice}/reactivate", None),
    ]
    for who in (people.supervisor, people.agent):
        for method, path, body in writes:
            answer = await call(api, method, path, who, body, status=403)
            assert answer["error"]["code"] == "admin_only", (method, path)
    await call(api, "GET", "/users", people.agent, status=403)
    listed = await call(api, "GET", "/users", people.supervisor)
    assert {u["username"] for u in listed["items"]} == {"root", "sara", "alice"}
    assert await audit(api, people.admin, action="user.") == []  # nothing happened


async def test_a_username_is_never_given_to_another_person(api: Api, clock: FixedClock) -> None:
    people = await staff(api, clock)
    alice = await user_id(api, people.admin, "alice")
    await call(api, "POST", f"/users/{alice}/deactivate", people.admin)
    for name in ("alice", "ALICE", "ａｌｉｃｅ", "ＡＬＩＣＥ"):  # fullwidth letters read the same
        taken = await call(api, "POST", "/users", people.admin,
                           {"username": name, "password": "longenough"}, status=409)  # fmt: skip
        assert taken["error"]["code"] == "user_exists"
        assert taken["error"]["message"] == "A user named alice already exists."
    bad = await call(api, "POST", "/users", people.admin,
                     {"username": "no spaces", "password": "longenough"}, status=422)  # fmt: skip
    assert "username" in bad["error"]["message"]
    short = await call(api, "POST", "/users", people.admin,
                       {"username": "carl", "password": "short"}, status=422)  # fmt: skip
    assert short["error"]["code"] == "weak_password"
    # Stored in its NFKC form, and one logs in however it is typed.
    made = await call(api, "POST", "/users", people.admin,
                      {"username": "ｃａｒｏｌ", "password": "longenough"}, status=201)  # fmt: skip
    assert made["user"]["username"] == "carol"
    for typed in ("carol", "Carol", "ｃａｒｏｌ"):
        answer = await api.client.post(
            "/api/v1/auth/login", json={"username": typed, "password": "longenough"}
        )
        assert answer.status_code == 200, answer.text


async def test_the_last_active_admin_stays_an_admin(api: Api, clock: FixedClock) -> None:
    people = await staff(api, clock)
    root = await user_id(api, people.admin, "root")
    demote = await call(api, "PATCH", f"/users/{root}", people.admin, {"role": "agent"}, status=409)
    assert demote["error"]["code"] == "last_admin"
    itself = await call(api, "POST", f"/users/{root}/deactivate", people.admin, status=409)
    assert itself["error"]["code"] == "cannot_deactivate_self"
    second = await call(api, "POST", "/users", people.admin,
                        {"username": "ada", "role": "admin", "password": "ada-password",
                         "must_change_password": False}, status=201)  # fmt: skip
    ada = await login(api, "ada", "ada-password")
    await call(api, "POST", f"/users/{second['user']['id']}/deactivate", people.admin)
    gone = await call(api, "GET", "/me", ada, status=401)
    assert gone["error"]["code"] == "account_deactivated"
    # Ada deactivated: root is the last active admin again.
    again = await call(api, "PATCH", f"/users/{root}", people.admin, {"role": "supervisor"},
                       status=409)  # fmt: skip
    assert again["error"]["code"] == "last_admin"
    await call(api, "POST", f"/users/{second['user']['id']}/reactivate", people.admin)
    await login(api, "ada", "ada-password")
    demoted = await call(api, "PATCH", f"/users/{root}", people.admin, {"role": "supervisor"})
    assert demoted["role"] == "supervisor"
    # A new role ends the user's logins: root logs in again to a supervisor's desktop.
    await call(api, "GET", "/me", people.admin, status=401)


async def test_deactivating_an_agent_ends_their_logins_and_parks_their_work(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    await customer_says(api, "Hello?", "wamid.D1")
    [held] = await held_interactions(api, people.agent)
    alice = await user_id(api, people.admin, "alice")
    second_login = await login(api, "alice", PASSWORD)

    record = await call(api, "POST", f"/users/{alice}/deactivate", people.admin)
    assert record["active"] is False and record["status"] == "logged_out"
    assert record["deactivated_at"] is not None
    for headers in (people.agent, second_login):
        ended = await call(api, "GET", "/me", headers, status=401)
        assert ended["error"]["code"] == "account_deactivated"
    assert (await login(api, "alice", PASSWORD, status=401))["code"] == "account_deactivated"
    # Both logins' sockets are told to close on every node; the chat waits in her workbin.
    assert len(api.events("auth_token.ended")) == 2
    parked = await call(api, "GET", f"/interactions/{held['id']}", people.supervisor)
    assert parked["state"] == "parked" and parked["park_reason"] == "Deactivated"
    [entry] = await audit(api, people.supervisor, action="user.deactivated")
    assert entry["detail"]["logins_ended"] == 2 and entry["subject_id"] == str(alice)

    back = await call(api, "POST", f"/users/{alice}/reactivate", people.admin)
    assert back["active"] is True and back["deactivated_at"] is None
    await login(api, "alice", PASSWORD)


async def test_an_admin_changes_a_user_and_resets_their_password(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    alice = await user_id(api, people.admin, "alice")
    team = await call(api, "POST", "/teams", people.admin, {"name": "Sales"}, status=201)
    changed = await call(api, "PATCH", f"/users/{alice}", people.admin,
                         {"name": "Alice Martins", "capacity": 5, "team_ids": [team["id"]]})  # fmt: skip
    assert changed["name"] == "Alice Martins" and changed["effective_capacity"] == 5
    assert changed["teams"] == [{"id": team["id"], "name": "Sales"}]
    assert (await call(api, "GET", "/me", people.agent))["capacity"] == 5  # still logged in
    assert api.events("agent.updated")[-1]["agent"]["name"] == "Alice Martins"
    default = await call(api, "PATCH", f"/users/{alice}", people.admin, {"capacity": None})
    assert default["capacity"] is None and default["effective_capacity"] == 3
    unknown = await call(api, "PATCH", f"/users/{alice}", people.admin, {"team_ids": [999]},
                         status=422)  # fmt: skip
    assert unknown["error"]["code"] == "team_not_found"

    reset = await call(api, "POST", f"/users/{alice}/password", people.admin,
                       {"password": "temporary-1"})  # fmt: skip
    assert reset["temporary_password"] is None and reset["user"]["must_change_password"]
    await call(api, "GET", "/me", people.agent, status=401)  # her login ended
    await login(api, "alice", PASSWORD, status=401)
    made = await call(api, "POST", f"/users/{alice}/password", people.admin)
    await login(api, "alice", made["temporary_password"])
    [update, *_] = await audit(api, people.admin, action="user.updated")
    assert update["detail"]["changes"] == {"capacity": [5, None]}
    assert len(await audit(api, people.admin, action="user.password_reset")) == 2
    await call(api, "GET", "/users/999", people.admin, status=404)
