"""Webhook changes that are not messages: the account's alerts, a customer's marketing
preference, and the WhatsApp Business app's contact list (coexistence).

- `account_update`, `phone_number_quality_update`: an `AccountAlert` (admins see a banner).
- `user_preferences`: `marketing_messages` `stop` / `resume` sets or clears the contact's
  `marketing_opt_out_at` (shown in Case Information; Meta refuses marketing templates to them).
- `smb_app_state_sync`: a contact added in the Business app names the contact Parley knows by
  that number, if the agents have not named it already.
Anything else is kept only in the stored webhook.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from parley.account.service import FIELDS as ACCOUNT_FIELDS
from parley.account.service import record_alert
from parley.contacts.identities import Identity, load_contacts, resolve
from parley.db.uow import UnitOfWork
from parley.whatsapp.content import as_id, as_object, as_objects, as_text
from parley.whatsapp.payloads import OtherChange


async def apply_other_changes(
    uow: UnitOfWork, now: datetime, changes: Sequence[OtherChange]
) -> None:
    for change in changes:
        if change.field in ACCOUNT_FIELDS:
            record_alert(uow, change.value, now)
        elif change.field == "user_preferences":
            await _preferences(uow, now, change.value)
        elif change.field == "smb_app_state_sync":
            await _state_sync(uow, now, change.value)


async def _preferences(uow: UnitOfWork, now: datetime, value: dict[str, object]) -> None:
    items = [
        item
        for item in as_objects(value.get("user_preferences"))
        if as_text(item.get("category")) == "marketing_messages"
    ]
    wa_ids = [as_id(item.get("wa_id")) for item in items]
    bsuids = [as_text(item.get("user_id")) for item in items]
    book = await load_contacts(uow, wa_ids, bsuids)
    for item, wa_id, bsuid in zip(items, wa_ids, bsuids, strict=True):
        if not wa_id and not bsuid:
            continue
        contact = resolve(book, uow, Identity(wa_id=wa_id, bsuid=bsuid), now)
        choice = as_text(item.get("value"))
        if choice == "stop":
            contact.marketing_opt_out_at = _when(item.get("timestamp")) or now
        elif choice == "resume":
            contact.marketing_opt_out_at = None
        contact.updated_at = now
    await uow.session.flush()


async def _state_sync(uow: UnitOfWork, now: datetime, value: dict[str, object]) -> None:
    added = [
        as_object(item.get("contact"))
        for item in as_objects(value.get("state_sync"))
        if as_text(item.get("type")) == "contact" and as_text(item.get("action")) == "add"
    ]
    numbers = [as_id(c.get("phone_number")) for c in added]
    book = await load_contacts(uow, numbers, [])
    for card, number in zip(added, numbers, strict=True):
        contact = book.find(number, None)
        name = as_text(card.get("full_name")) or as_text(card.get("first_name"))
        if contact is not None and name and not contact.name:
            contact.name = name[:200]
            contact.updated_at = now


def _when(value: object) -> datetime | None:
    seconds = as_id(value)
    if seconds is None or not seconds.isdigit() or len(seconds) > 11:
        return None
    return datetime.fromtimestamp(int(seconds), tz=UTC)
