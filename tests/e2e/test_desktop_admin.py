"""The admin pages in the browser: an admin adds a user and puts them in a team, the new user
logs in (choosing their own password), the admin deactivates them and their open desktop returns
to the login page at once. Screenshots of every admin page in both themes."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from parley.commands import add_user
from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, entry, go_ready, log_in, open_chat, open_view
from tests.factories import PASSWORD


async def admin_page(page: Page, name: str) -> None:
    await open_view(page, "Admin")
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("button", name=name)
        .click()
    )


async def both_themes(page: Page, name: str) -> None:
    for theme in ("light", "dark"):
        await page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        await page.wait_for_timeout(300)  # the buttons' colour transitions end
        await shot(page, f"admin-{name}-{theme}")


async def test_an_admin_adds_a_user_who_logs_in_and_is_deactivated_live(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        await add_user(d.settings, "root", "admin", "Rita Admin", PASSWORD)
        async with httpx.AsyncClient(base_url=d.url) as http:
            login = {"username": "root", "password": PASSWORD}
            token = (await http.post("/api/v1/auth/login", json=login)).json()["token"]
            made = await http.post("/api/v1/workbins", json={"name": "Refunds"},
                                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            assert made.status_code == 201
        admin = await new_page(browser, 1440, 900)
        await log_in(admin, d.url, "root")

        # A team with the shared workbin it uses.
        await open_view(admin, "Admin")
        await admin_page(admin, "Teams")
        await admin.get_by_role("button", name="New team").click()
        team_form = admin.get_by_role("form", name="New team")
        await team_form.get_by_label("Name").fill("Billing")
        await team_form.get_by_label("Description").fill("Invoices and refunds")
        await team_form.get_by_role("checkbox", name="Refunds").check()
        await team_form.get_by_role("button", name="Create team").click()
        await expect(admin.get_by_role("status")).to_contain_text("Saved Billing.")

        # Add Bruno, an agent in Billing; Parley makes his temporary password.
        await admin_page(admin, "Users")
        await admin.get_by_role("button", name="Add user").first.click()
        form = admin.get_by_role("form", name="New user")
        await form.get_by_label("Username").fill("bruno")
        await form.get_by_label("Name", exact=True).fill("Bruno Lima")
        await form.get_by_label("Capacity").fill("2")
        await form.get_by_label("Billing").check()
        await form.get_by_role("button", name="Add user").click()
        secret = admin.locator(".admin-secret-value")
        await expect(secret).to_have_text(re.compile(r"^[a-z2-9]{4}(-[a-z2-9]{4}){3}$"))
        temporary = await secret.inner_text()
        users = admin.get_by_role("list", name="Users")
        await expect(users.get_by_role("button", name=re.compile("Bruno Lima"))).to_contain_text(
            "Temporary password"
        )
        await both_themes(admin, "users")

        # Bruno logs in with it, chooses his own password, and reaches his desktop.
        bruno = await new_page(browser, 1280, 720)
        await bruno.goto(d.url)
        await bruno.get_by_label("Username").fill("bruno")
        await bruno.get_by_label("Password").fill(temporary)
        await bruno.get_by_role("button", name="Log in").click()
        await expect(bruno.get_by_role("heading", name="Choose a new password")).to_be_visible()
        # Nobody reset Bruno's password: the form does not say anyone did.
        await expect(bruno.get_by_text("reset", exact=False)).to_have_count(0)
        await both_themes(bruno, "password-change")
        await bruno.get_by_label("Current password").fill(temporary)
        await bruno.get_by_label("New password", exact=True).fill("bruno-own-password")
        await bruno.get_by_label("Confirm new password").fill("bruno-own-password")
        await bruno.get_by_role("button", name="Change password").click()
        await expect(bruno.get_by_role("button", name="Log out")).to_be_visible()
        await expect(bruno.locator(".agent-name")).to_have_text("Bruno Lima")
        await bruno.get_by_role("button", name="Ready", exact=True).click()
        await expect(bruno.get_by_role("button", name="Ready", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )

        # The admin deactivates him: his open desktop returns to the login page at once.
        await admin.reload()
        await admin_page(admin, "Users")
        await users.get_by_role("button", name=re.compile("Bruno Lima")).click()
        await admin.get_by_role("button", name="Deactivate").click()
        await admin.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
        await expect(admin.get_by_role("status").first).to_contain_text("Deactivated Bruno Lima.")
        await expect(bruno.get_by_role("button", name="Log in")).to_be_visible(timeout=3000)
        await expect(bruno.get_by_text("Your account was deactivated by an admin.")).to_be_visible()
        await bruno.get_by_label("Username").fill("bruno")
        await bruno.get_by_label("Password").fill("bruno-own-password")
        await bruno.get_by_role("button", name="Log in").click()
        await expect(bruno.get_by_role("alert")).to_contain_text("deactivated")

        # The team page lists him; the audit log tells the whole story; screenshots of each page.
        await admin_page(admin, "Teams")
        await admin.get_by_role("list", name="Teams").get_by_role("button").first.click()
        await expect(
            admin.get_by_role("checkbox", name="Bruno Lima agent, deactivated")
        ).to_be_checked()
        await both_themes(admin, "teams")
        await admin_page(admin, "Dispositions")
        table = admin.get_by_role("table", name="Dispositions")
        await expect(table.get_by_role("textbox")).to_have_count(4)
        await admin.get_by_role("button", name="Move Escalated up").click()
        await expect(table.get_by_role("textbox").nth(2)).to_have_value("Escalated")
        await admin.get_by_label("New disposition").fill("Refund issued")
        await admin.get_by_role("button", name="Add", exact=True).click()
        await expect(table.get_by_role("textbox")).to_have_count(5)
        await both_themes(admin, "dispositions")
        await admin_page(admin, "Not Ready reasons")
        await admin.get_by_role("button", name="Deactivate Training").click()
        reasons = admin.get_by_role("table", name="Not Ready reasons")
        await expect(reasons.get_by_role("button", name="Activate Training")).to_be_visible()
        await both_themes(admin, "reasons")
        await admin_page(admin, "Audit log")
        entries = admin.get_by_role("table", name="Audit log entries")
        await expect(entries).to_contain_text("Rita Admin deactivated Bruno Lima")
        await expect(entries).to_contain_text("Bruno Lima changed their password")
        await expect(entries).to_contain_text("Rita Admin added the agent Bruno Lima")
        await admin.get_by_role("combobox", name="Action").select_option(label="Users")
        await admin.get_by_role("button", name="Apply filters").click()
        await expect(entries).not_to_contain_text("disposition")
        export = admin.get_by_role("link", name="Export CSV")
        await expect(export).to_have_attribute(
            "href", re.compile(r"audit\?.*action=user\.&format=csv")
        )
        await both_themes(admin, "audit")

        # The status menu offers the reasons as the admin left them (Training is inactive).
        alice = await new_page(browser, 1280, 720)
        await log_in(alice, d.url, "alice")
        await alice.get_by_role("button", name="Choose reason").click()
        menu = alice.get_by_role("menu", name="Reasons")
        await expect(menu.get_by_role("menuitemradio")).to_have_count(4)
        await expect(menu).not_to_contain_text("Training")


async def test_an_open_mark_done_follows_the_admins_dispositions(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        await add_user(d.settings, "root", "admin", "Rita Admin", PASSWORD)
        alice = await new_page(browser)
        await go_ready(alice, d.url)
        await d.say(ANA, "My order is late")
        await open_chat(alice, "Ana Souza")
        await alice.get_by_role("button", name="Mark Done").click()
        dialog = alice.get_by_role("dialog", name="Mark Done")
        select = dialog.get_by_label("Disposition")
        await select.select_option(label="Resolved")

        async with httpx.AsyncClient(base_url=d.url) as http:
            login = {"username": "root", "password": PASSWORD}
            token = (await http.post("/api/v1/auth/login", json=login)).json()["token"]
            admin = {"Authorization": f"Bearer {token}"}
            codes = (await http.get("/api/v1/dispositions", headers=admin)).json()["items"]
            resolved = next(c["id"] for c in codes if c["label"] == "Resolved")
            added = await http.post("/api/v1/dispositions", json={"label": "Refund issued"},
                                    headers=admin)  # fmt: skip
            assert added.status_code == 201
            off = await http.patch(f"/api/v1/dispositions/{resolved}", json={"active": False},
                                   headers=admin)  # fmt: skip
            assert off.status_code == 200

        # The open dialog offers the new code, drops the deactivated one and says so.
        await expect(select.get_by_role("option", name="Refund issued")).to_have_count(1)
        await expect(select.get_by_role("option", name="Resolved")).to_have_count(0)
        await expect(dialog.get_by_role("alert")).to_contain_text("“Resolved” is no longer offered")
        await select.select_option(label="Refund issued")
        await dialog.get_by_role("button", name="Mark Done").click()
        await expect(dialog).to_be_hidden()
        await expect(entry(alice, "Ana Souza")).to_have_count(0)


async def test_the_top_bar_shows_every_tab_whole_for_an_admin(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        await add_user(d.settings, "root", "admin", "Rita Administrator-Longname", PASSWORD)
        for width in (1024, 1280, 1400):
            page = await new_page(browser, width, 800)
            await log_in(page, d.url, "root")
            tabs = page.get_by_role("tablist", name="Views")
            await expect(tabs.get_by_role("tab", name="Interactions")).to_be_visible()
            # Each tab lies whole inside the bar (none clipped or scrolled out of sight).
            clipped = await tabs.evaluate(
                """(list) => {
                  const box = list.getBoundingClientRect()
                  return [...list.querySelectorAll('[role=tab]:not([hidden])')].filter((tab) => {
                    const r = tab.getBoundingClientRect()
                    return r.left < box.left - 0.5 || r.right > box.right + 0.5
                      || tab.scrollWidth > tab.clientWidth + 1
                  }).map((tab) => tab.textContent)
                }"""
            )
            for theme in ("light", "dark"):
                await page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
                await shot(page, f"topbar-admin-{width}-{theme}")
            assert clipped == [], (width, clipped)
            # What does not fit is one click away, in the More menu.
            shown = await tabs.get_by_role("tab").all_inner_texts()
            more = page.get_by_role("button", name=re.compile("^More"))
            if width < 1400 or "Admin" not in shown:
                await more.click()
                await shot(page, f"topbar-admin-{width}-menu")
                await page.get_by_role("menuitem", name="Admin").click()
            else:
                await open_view(tabs, "Admin")
            await expect(tabs.get_by_role("tab", name="Admin")).to_have_attribute(
                "aria-selected", "true"
            )
            await expect(page.get_by_role("navigation", name="Administration")).to_be_visible()
            await page.context.close()
