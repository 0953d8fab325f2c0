"""The Standard Response Library over the API: admin writes, search, filling, import/export."""

from __future__ import annotations

from typing import Any

import yaml

from parley.clock import FixedClock
from parley.responses.seed import seed_library
from tests.api.conftest import Api
from tests.api.support import customer_says, eventually, held_interactions
from tests.factories import add_agent
from tests.media import files


async def admin(api: Api, clock: FixedClock) -> dict[str, str]:
    async with api.runtime.uow() as uow:
        await add_agent(uow, clock, "root", ready=False, role="admin")
    token = await api.login("root")
    api.client.cookies.clear()
    return {"Authorization": f"Bearer {token}"}


async def post(api: Api, path: str, body: Any, headers: dict[str, str], status: int = 201) -> Any:
    response = await api.client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


async def upload(api: Api, headers: dict[str, str], name: str) -> int:
    sent = await api.client.post(
        "/api/v1/attachments",
        files={"file": (name, files.pdf(), "application/pdf")},
        headers=headers,
    )
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


async def library(api: Api, root: dict[str, str]) -> dict[str, Any]:
    """Greetings > Openings, and Billing at the top, with three responses."""
    greet = await post(api, "/api/v1/response-categories", {"name": "Greetings"}, root)
    opening = await post(
        api, "/api/v1/response-categories", {"name": "Openings", "parent_id": greet["id"]}, root
    )
    billing = await post(api, "/api/v1/response-categories", {"name": "Billing"}, root)
    files_ = [await upload(api, root, f"terms-{n}.pdf") for n in (1, 2)]
    hello = await post(
        api,
        "/api/v1/responses",
        {
            "name": "Hello",
            "category_id": opening["id"],
            "text": "Hello {{contact.first_name}}, I am {{agent.name}}. How can I help?",
        },
        root,
    )
    refund = await post(
        api,
        "/api/v1/responses",
        {
            "name": "Refund policy",
            "category_id": billing["id"],
            "text": "Refunds take 5 business days.",
            "attachment_ids": [files_[1], files_[0]],
        },
        root,
    )
    payment = await post(
        api,
        "/api/v1/responses",
        {
            "name": "HSM_payment_confirmation",
            "category_id": billing["id"],
            "text": "",
            "template": {
                "name": "payment_confirmation",
                "language": "en_US",
                "parameters": {
                    "1": {"label": "Name", "value": "{{contact.name}}"},
                    "2": {"label": "Product", "value": "flowers"},
                    "5": {"label": "date", "value": "{{datetime.now}}"},
                },
            },
        },
        root,
    )
    return {
        "greet": greet["id"],
        "opening": opening["id"],
        "billing": billing["id"],
        "hello": hello["id"],
        "refund": refund["id"],
        "payment": payment["id"],
        "files": files_,
    }


async def test_admins_write_agents_read_and_are_refused_writes(api: Api, clock: FixedClock) -> None:
    root = await admin(api, clock)
    alice = await api.agent(clock, "alice")
    ids = await library(api, root)
    categories = (await api.client.get("/api/v1/response-categories", headers=alice)).json()
    assert [(c["name"], c["parent_id"]) for c in categories["items"]] == [
        ("Billing", None),
        ("Greetings", None),
        ("Openings", ids["greet"]),
    ]
    for method, path, body in [
        ("POST", "/api/v1/response-categories", {"name": "Mine"}),
        ("PUT", f"/api/v1/response-categories/{ids['greet']}", {"name": "Mine"}),
        ("DELETE", f"/api/v1/response-categories/{ids['greet']}", None),
        ("POST", "/api/v1/responses", {"name": "x", "category_id": ids["greet"]}),
        ("PUT", f"/api/v1/responses/{ids['hello']}", {"name": "x", "category_id": ids["greet"]}),
        ("DELETE", f"/api/v1/responses/{ids['hello']}", None),
        ("POST", "/api/v1/responses/import", {"categories": []}),
        ("GET", "/api/v1/responses/export", None),
    ]:
        response = await api.client.request(method, path, json=body, headers=alice)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    refund = (await api.client.get(f"/api/v1/responses/{ids['refund']}", headers=alice)).json()
    assert refund["attachment_ids"] == [ids["files"][1], ids["files"][0]]


async def test_search_by_name_and_text_case_insensitively(api: Api, clock: FixedClock) -> None:
    root = await admin(api, clock)
    await library(api, root)

    async def names(q: str) -> list[str]:
        response = await api.client.get("/api/v1/responses", params={"q": q}, headers=root)
        assert response.status_code == 200
        return [r["name"] for r in response.json()["items"]]

    assert await names("REFUND") == ["Refund policy"]
    assert await names("business days") == ["Refund policy"]  # in the text only
    assert await names("help hello") == ["Hello"]  # every word, in name or text
    assert await names("nothing like this") == []
    assert len(await names("")) == 3


async def test_updates_conflicts_and_category_rules(api: Api, clock: FixedClock) -> None:
    root = await admin(api, clock)
    ids = await library(api, root)
    taken = await api.client.put(
        f"/api/v1/responses/{ids['hello']}",
        json={"name": "Refund policy", "category_id": ids["billing"]},
        headers=root,
    )
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "response_name_taken"
    loop = await api.client.put(
        f"/api/v1/response-categories/{ids['greet']}",
        json={"name": "Greetings", "parent_id": ids["opening"]},
        headers=root,
    )
    assert loop.status_code == 422 and loop.json()["error"]["code"] == "category_cycle"
    missing = await api.client.post(
        "/api/v1/responses", json={"name": "Lost", "category_id": 999}, headers=root
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "category_not_found"
    blank = await api.client.post(
        "/api/v1/responses", json={"name": "   ", "category_id": ids["greet"]}, headers=root
    )
    assert blank.status_code == 422
    deleted = await api.client.delete(f"/api/v1/response-categories/{ids['greet']}", headers=root)
    assert deleted.status_code == 204
    left = (await api.client.get("/api/v1/responses", headers=root)).json()["items"]
    assert sorted(r["name"] for r in left) == ["HSM_payment_confirmation", "Refund policy"]
    gone = await api.client.get(f"/api/v1/responses/{ids['hello']}", headers=root)
    assert gone.status_code == 404


async def test_filled_for_an_interaction_in_the_agents_locale(api: Api, clock: FixedClock) -> None:
    root = await admin(api, clock)
    ids = await library(api, root)
    alice = await api.agent(clock, "alice")
    await customer_says(api, "Hi", "wamid.F1", name="Ana Souza")
    [interaction] = await held_interactions(api, alice)

    async def filled(rid: int, **params: str) -> Any:
        response = await api.client.get(
            f"/api/v1/responses/{rid}/filled",
            params={"interaction_id": interaction["id"], **params},
            headers=alice,
        )
        assert response.status_code == 200, response.text
        return response.json()

    hello = await filled(ids["hello"])
    assert hello["text"] == "Hello Ana, I am Alice. How can I help?"
    assert hello["missing"] == [] and hello["template"] is None

    async def approved() -> bool:
        items = (await api.client.get("/api/v1/templates", headers=alice)).json()["items"]
        return any(t["name"] == "payment_confirmation" for t in items)

    await eventually(approved, "the templates are synced at start")
    payment = await filled(ids["payment"], locale="pt-BR", time_zone="America/Sao_Paulo")
    params = {p["key"]: p for p in payment["template"]["parameters"]}
    assert payment["template"]["approved"] is True
    assert list(params) == ["1", "2", "3", "4", "5"]
    assert params["1"]["label"] == "Name" and params["1"]["value"] == "Ana Souza"
    assert params["2"]["value"] == "flowers"
    # Unbound parameters have no default but carry Meta's example and their name as label.
    assert params["3"] == {"key": "3", "label": "3", "value": "", "example": "$10"}
    # 2026-01-05 09:00 UTC is 06:00 in São Paulo, written in Portuguese.
    assert params["5"]["value"].startswith("segunda-feira, 5 de janeiro de 2026 06:00:00")


async def test_export_and_import_round_trip_as_json_and_yaml(api: Api, clock: FixedClock) -> None:
    root = await admin(api, clock)
    await library(api, root)
    as_yaml = await api.client.get(
        "/api/v1/responses/export", params={"format": "yaml"}, headers=root
    )
    assert as_yaml.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    tree = yaml.safe_load(as_yaml.text)
    assert [c["name"] for c in tree["categories"]] == ["Billing", "Greetings"]
    assert tree["categories"][1]["categories"][0]["responses"][0]["name"] == "Hello"
    as_json = (await api.client.get("/api/v1/responses/export", headers=root)).json()
    assert as_json == tree

    # A team edits the file: one response changed, one new category with a response.
    tree["categories"][0]["responses"][1]["text"] = "Refunds take 3 business days."
    tree["categories"].append(
        {"name": "Shipping", "responses": [{"name": "Tracking", "text": "Track it: 📦"}]}
    )
    full = {"name": "Tracking", "text": "Track it: 📦", "attachment_ids": [], "template": None}
    imported = await api.client.post(
        "/api/v1/responses/import",
        content=yaml.safe_dump(tree, allow_unicode=True).encode(),
        headers={**root, "Content-Type": "application/yaml"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "categories_created": 1,
        "responses_created": 1,
        "responses_updated": 3,
    }
    again = (await api.client.get("/api/v1/responses/export", headers=root)).json()
    assert again["categories"][:2] == tree["categories"][:2]
    assert again["categories"][2] == {"name": "Shipping", "responses": [full], "categories": []}

    bad = await api.client.post(
        "/api/v1/responses/import",
        content=b"categories: [unclosed",
        headers={**root, "Content-Type": "application/yaml"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_library"
    wrong = await api.client.post(
        "/api/v1/responses/import", json={"categories": [{"nom": "x"}]}, headers=root
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"]


async def test_a_file_naming_a_response_twice_or_a_missing_attachment_changes_nothing(
    api: Api, clock: FixedClock
) -> None:
    root = await admin(api, clock)
    ids = await library(api, root)
    before = (await api.client.get("/api/v1/responses/export", headers=root)).json()
    twice = {
        "categories": [
            {"name": "New", "responses": [{"name": "Hello", "text": "A"}]},
            {"name": "Billing", "responses": [{"name": "Hello", "text": "B"}]},
        ]
    }
    missing = {
        "categories": [{"name": "New", "responses": [{"name": "X", "attachment_ids": [999]}]}]
    }
    for body, words in [(twice, "'Hello' appears twice"), (missing, "unknown id 999")]:
        refused = await api.client.post("/api/v1/responses/import", json=body, headers=root)
        assert refused.status_code == 422, refused.text
        assert words in str(refused.json()["error"]["fields"])
    assert (await api.client.get("/api/v1/responses/export", headers=root)).json() == before

    category = ids["billing"]
    for method, path in [
        ("POST", "/api/v1/responses"),
        ("PUT", f"/api/v1/responses/{ids['hello']}"),
    ]:
        body = {"name": "Y", "category_id": category, "attachment_ids": [ids["files"][0], 999]}
        refused = await api.client.request(method, path, json=body, headers=root)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "attachment_not_found"
        assert "999" in refused.json()["error"]["message"]


async def test_the_demo_notification_renders_as_the_help_page_shows_it(
    api: Api, clock: FixedClock
) -> None:
    async with api.runtime.uow() as uow:
        assert await seed_library(uow, clock.now())
        await uow.commit()
    async with api.runtime.uow() as uow:
        assert not await seed_library(uow, clock.now()), "seeding twice changes nothing"
    alice = await api.agent(clock, "alice")
    found = await api.client.get("/api/v1/responses", params={"q": "payment"}, headers=alice)
    [payment] = [r for r in found.json()["items"] if r["name"] == "HSM_payment_confirmation"]
    await customer_says(api, "Hi", "wamid.H1", name="Masha Ivanova")
    [interaction] = await held_interactions(api, alice)

    async def synced() -> bool:
        items = (await api.client.get("/api/v1/templates", headers=alice)).json()["items"]
        return any(t["name"] == "payment_confirmation" for t in items)

    await eventually(synced, "templates synced at start")
    filled = await api.client.get(
        f"/api/v1/responses/{payment['id']}/filled",
        params={
            "interaction_id": interaction["id"],
            "locale": "en-US",
            "time_zone": "America/Los_Angeles",
        },
        headers=alice,
    )
    template = filled.json()["template"]
    values = {p["key"]: p["value"] for p in template["parameters"]}
    assert [p["label"] for p in template["parameters"]] == [
        "Name",
        "Product",
        "Bill",
        "Number of the card",
        "Date",
    ]
    sent = await api.client.post(
        f"/api/v1/interactions/{interaction['id']}/notifications",
        json={"template": template["name"], "language": template["language"], "parameters": values},
        headers=alice,
    )
    assert sent.status_code == 201, sent.text
    # 2026-01-05 09:00 UTC is 1 AM in Los Angeles (PST).
    assert sent.json()["text"] == (
        "Hello Masha Ivanova.\nHave you ordered flowers?\nIf yes, please, confirm $10 payment "
        "issued to your credit card.\nWe will send you Monday, January 5, 2026 1:00:00\u202fAM "
        "PST.\nThanks, Masha Ivanova."
    )
