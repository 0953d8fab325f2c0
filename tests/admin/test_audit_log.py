"""The audit log API: filters, keyset paging, the CSV export safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from parley.audit.service import record_action
from parley.clock import FixedClock
from tests.admin.support import audit, call, staff, user_id
from tests.api.conftest import Api


async def test_filters_paging_and_a_csv_that_spreadsheets_cannot_run(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    root = await user_id(api, people.admin, "root")
    async with api.runtime.uow() as uow:
        for n in range(5):
            record_action(uow.session, at=clock.now() + timedelta(minutes=n), actor_id=root,
                          action="team.updated", subject_type="team", subject_id=n,
                          summary=f"change {n}")  # fmt: skip
        for hostile in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "plain"):
            record_action(uow.session, at=clock.now() + timedelta(hours=1), actor_id=None,
                          action="user.updated", subject_type="user", subject_id=0,
                          summary=hostile)  # fmt: skip
        await uow.commit()

    page = await call(api, "GET", "/audit?action=team.&limit=2", people.admin)
    assert [e["summary"] for e in page["items"]] == ["change 4", "change 3"]
    older = await call(api, "GET", f"/audit?action=team.&limit=2&before={page['next_before']}",
                       people.admin)  # fmt: skip
    assert [e["summary"] for e in older["items"]] == ["change 2", "change 1"]
    window = await audit(api, people.supervisor, since=(clock.now() + timedelta(minutes=1)).isoformat(),
                         until=(clock.now() + timedelta(minutes=3)).isoformat())  # fmt: skip
    assert [e["summary"] for e in window] == ["change 2", "change 1"]
    assert len(await audit(api, people.admin, actor="ROOT")) == 5
    assert await audit(api, people.admin, actor="nobody") == []
    backwards = await call(api, "GET", "/audit?since=2026-02-01&until=2026-01-01", people.admin,
                           status=422)  # fmt: skip
    assert backwards["error"]["fields"][0]["field"] == "until"
    await call(api, "GET", "/audit", people.agent, status=403)
    await call(api, "GET", "/audit?format=csv", people.agent, status=403)

    response = await api.client.get("/api/v1/audit", params={"format": "csv"}, headers=people.admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="parley-audit-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:5] == ["id", "at", "actor_username", "actor_name", "action"]
    summaries = [r[7] for r in rows[1:]]
    assert summaries[:6] == [
        "plain",
        "'\tTab",
        "'@SUM(A1)",
        "'-2+3",
        "'+1",
        '\'=HYPERLINK("http://x")',
    ]
    assert len(rows) == 1 + 11
    assert rows[-1][2:5] == ["root", "Root", "team.updated"]
    empty = await api.client.get("/api/v1/audit", params={"format": "csv", "actor": "nobody"},
                                 headers=people.admin)  # fmt: skip
    assert empty.text.splitlines() == [",".join(rows[0])]


async def test_the_response_library_and_template_sync_are_audited(
    api: Api, clock: FixedClock
) -> None:
    people = await staff(api, clock)
    category = await call(api, "POST", "/response-categories", people.admin, {"name": "Billing"},
                          status=201)  # fmt: skip
    response = await call(api, "POST", "/responses", people.admin,
                          {"name": "Refund", "category_id": category["id"], "text": "Done"},
                          status=201)  # fmt: skip
    await call(api, "DELETE", f"/responses/{response['id']}", people.admin, status=204)
    await call(api, "POST", "/templates/sync", people.admin)
    entries = await audit(api, people.admin)
    assert [e["action"] for e in entries[:4]] == [
        "template.synced", "response.deleted", "response.created", "response_category.created"
    ]  # fmt: skip
    assert entries[1]["summary"] == "Root deleted the response “Refund”"
