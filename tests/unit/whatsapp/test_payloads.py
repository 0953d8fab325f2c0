"""Every fixture in tests/fixtures/whatsapp/ against its expected records (zulip `check_webhook`).

A fixture is one full webhook body of WHATSAPP.md's shape; `EXPECTED[name]` lists what
`parse_webhook` must find in it. Message and status expectations compare the named attributes
exactly, and `content` as a subset (only the keys given).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from parley.whatsapp.content import MESSAGE_TYPES
from parley.whatsapp.payloads import (
    PayloadError,
    WebhookBatch,
    parse_webhook,
    synthetic_id,
)
from parley.whatsapp.readers import EPOCH
from tests.factories import envelope

FIXTURES = Path(__file__).parents[2] / "fixtures" / "whatsapp"
OURS = "109876543210987"  # the phone_number_id Parley is configured with
ANA, BRUNO = "5511987654321", "5521998765432"
SHA = "IjA0MTk2NzhhZDc3ODk0YWQ3YzM3MjM5OGZmZDcyNmQ2ZDE5MGRmMDIi"
TOO_BIG = (
    "Media file size too big. Max file size we currently support: 100MB. Please communicate "
    "with your customer to send a media file with size less than 100MB"
)
PRICING = {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"}


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def msg(n: int, type_: str, text: str | None, **fields: Any) -> dict[str, Any]:
    """Expected message n (wamid.SIM_IN_000n, sent by Ana at 1767225600 + n unless overridden)."""
    expected: dict[str, Any] = {"wamid": f"wamid.SIM_IN_{n:04d}", "type": type_, "text": text}
    expected |= {"timestamp": at(1767225600 + n), "wa_id": ANA, "profile_name": "Ana Souza"}
    return expected | fields


def status(n: int, status_: str, seconds: int, **fields: Any) -> dict[str, Any]:
    return {"wamid": f"wamid.SIM_OUT_{n:04d}", "status": status_, "timestamp": at(seconds)} | fields


@dataclass
class Expected:
    messages: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    template_updates: list[dict[str, Any]] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    ignored: int = 0
    echoes: list[dict[str, Any]] = field(default_factory=list)
    not_ours: bool = False  # nothing in it is for our number: the webhook is ignored
    payload_error: bool = False  # not a WhatsApp body at all


def media(**content: Any) -> dict[str, Any]:
    return {"sha256": SHA, **content}


NO_SYSTEM_CONTACT = {"profile_name": None}

# fmt: off
EXPECTED: dict[str, Expected] = {
    "text": Expected([msg(1, "text", "Olá! 👋", content={"body": "Olá! 👋"}, forwarded=False)]),
    "image_with_caption": Expected([msg(2, "image", "box broken", content=media(
        media_id="3344556677889900", mime_type="image/jpeg", caption="box broken",
        url="https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=3344556677889900",
        filename=None, voice=None))]),
    "audio_voice": Expected([msg(3, "audio", None, content=media(
        media_id="4455667788990011", mime_type="audio/ogg; codecs=opus", voice=True,
        caption=None))]),
    "video": Expected([msg(4, "video", "see this", content=media(
        media_id="5566778899001122", mime_type="video/mp4", caption="see this"))]),
    "document": Expected([msg(5, "document", "my invoice", content=media(
        media_id="6677889900112233", mime_type="application/pdf", filename="invoice-2291.pdf",
        caption="my invoice"))]),
    "sticker": Expected([msg(6, "sticker", None, content=media(
        media_id="7788990011223344", mime_type="image/webp", animated=False))]),
    "location": Expected([msg(7, "location", "Loja Paulista, Av. Paulista 1000", content={
        "latitude": -23.5614, "longitude": -46.6558, "name": "Loja Paulista",
        "address": "Av. Paulista 1000", "url": "https://maps.example/x"})]),
    "location_current": Expected([msg(8, "location", None, content={
        "latitude": -22.9068, "longitude": -43.1729, "name": None, "address": None, "url": None})]),
    "contacts": Expected([msg(9, "contacts", "Bruno Lima, Dra. Carla Dias", content={"contacts": [
        {"name": "Bruno Lima",
         "phones": [{"phone": "+55 21 99876-5432", "wa_id": BRUNO, "type": "CELL"}],
         "emails": [{"email": "b@example.com", "type": "WORK"}],
         "org": {"company": "ACME", "department": "Sales", "title": "Manager"},
         "addresses": [{"street": "Rua A 1", "city": "Rio", "state": "RJ", "zip": "20000-000",
                        "country": "Brazil", "country_code": "BR", "type": "HOME"}],
         "urls": [{"url": "https://acme.example", "type": "WORK"}], "birthday": "1990-04-12"},
        {"name": "Dra. Carla Dias",
         "phones": [{"phone": "+55 11 3000-0000", "wa_id": None, "type": "WORK"}],
         "emails": [], "org": None, "addresses": [], "urls": [], "birthday": None},
    ]})]),
    "interactive_button_reply": Expected([msg(10, "interactive", "Yes", content={
        "kind": "button_reply", "id": "btn-yes", "title": "Yes", "description": None,
        "response_json": None}, context_wamid="wamid.SIM_OUT_0100")]),
    "interactive_list_reply": Expected([msg(11, "interactive", "Express", content={
        "kind": "list_reply", "id": "row-express", "title": "Express",
        "description": "1-2 days"}, context_wamid="wamid.SIM_OUT_0101")]),
    "interactive_nfm_reply": Expected([msg(12, "interactive", "Form answers: rating: 5", content={
        "kind": "nfm_reply", "name": "flow", "body": "Sent", "title": None,
        "response_json": {"flow_token": "t1", "rating": "5"},
        "fields": [{"name": "rating", "label": "rating", "value": "5"}]},
        context_wamid="wamid.SIM_OUT_0105")]),
    "button": Expected([msg(13, "button", "Talk to an agent", content={
        "payload": "HANDOFF", "text": "Talk to an agent"}, context_wamid="wamid.SIM_OUT_0106")]),
    "reaction": Expected([msg(14, "reaction", "👍", content={
        "message_id": "wamid.SIM_OUT_0102", "emoji": "👍", "removed": False})]),
    "reaction_removed_empty": Expected([msg(15, "reaction", None, content={
        "message_id": "wamid.SIM_OUT_0102", "emoji": "", "removed": True})]),
    "reaction_removed_absent": Expected([msg(16, "reaction", None, content={
        "message_id": "wamid.SIM_OUT_0102", "emoji": "", "removed": True})]),
    "order": Expected([msg(
        17, "order",
        "Order (2 items): 2 × SKU-1 at BRL 30.00, 1 × SKU-7 at BRL 12.50; total BRL 72.50. "
        "deliver today", content={
        "catalog_id": "194836987003835", "text": "deliver today", "product_items": [
            {"product_retailer_id": "SKU-1", "quantity": 2, "item_price": "30.00",
             "currency": "BRL"},
            {"product_retailer_id": "SKU-7", "quantity": 1, "item_price": "12.50",
             "currency": "BRL"}], "total": {"amount": "72.50", "currency": "BRL"}})]),
    "system_user_changed_number": Expected([msg(
        18, "system", "User Ana Souza changed from 5511987654321 to 5511912345678",
        content={"kind": "user_changed_number", "new_wa_id": "5511912345678"},
        **NO_SYSTEM_CONTACT)]),
    "system_customer_changed_number": Expected([msg(
        19, "system", "User A changed from 5511987654321 to 5511912345678",
        content={"kind": "customer_changed_number", "new_wa_id": "5511912345678",
                 "customer": ANA}, **NO_SYSTEM_CONTACT)]),
    "system_customer_identity_changed": Expected([msg(
        20, "system", "User Ana Souza's security code changed",
        content={"kind": "customer_identity_changed", "new_wa_id": None,
                 "identity": "Sjvjlx8G6Z0="}, **NO_SYSTEM_CONTACT)]),
    "system_user_changed_user_id": Expected([msg(
        21, "system", "User Ana Souza's user id changed",
        content={"kind": "user_changed_user_id", "new_user_id": "BR.88402210099887766554"},
        bsuid="BR.13491208655302741918", **NO_SYSTEM_CONTACT)]),
    "unsupported_poll_creation": Expected([msg(
        22, "unsupported", "Unsupported message (poll_creation)",
        content={"original_type": "poll_creation"}, error_codes=[131051])]),
    "unsupported_message_unavailable": Expected([msg(
        23, "unsupported", "Unsupported message (media_placeholder)",
        content={"original_type": "media_placeholder"}, error_codes=[131060])]),
    "unknown_type_legacy": Expected([msg(
        24, "unsupported", "Unsupported message (unknown)", content={
            "original_type": "unknown", "errors": [{
                "code": 131051, "title": "Unsupported message type",
                "message": "Unsupported message type",
                "details": "Message type is not currently supported", "href": None}]},
        error_codes=[131051])]),
    "unlisted_types": Expected([
        msg(25, "request_welcome", "Opened the chat (welcome request)", content={}),
        msg(26, "edit", "Olá de novo", content={
            "original_wamid": "wamid.SIM_IN_0001", "type": "text",
            "content": {"body": "Olá de novo"}}),
        msg(27, "revoke", None, content={"original_wamid": "wamid.SIM_IN_0002"}),
    ]),
    "interactive_without_object": Expected(
        [msg(28, "unsupported", "Unsupported message (interactive)",
             content={"original_type": "interactive"}, error_codes=[131000])],
        errors=[131000]),
    "media_too_big": Expected([
        msg(29, "unsupported", "Unsupported message (Media download error)",
            content={"original_type": None}, error_codes=[131052], error_details=[TOO_BIG]),
        msg(30, "unsupported", "Unsupported message (document)",
            content={"original_type": "document"}, error_codes=[131052]),
    ]),
    "referral": Expected([msg(31, "text", "Quero saber mais", referral_source="120212345678900")]),
    "forwarded": Expected([
        msg(32, "text", "olha isso", forwarded=True, context_wamid=None),
        msg(33, "image", None, forwarded=True, content={"media_id": "8899001122334455"}),
    ]),
    "reply_context": Expected([msg(34, "text", "Still waiting", forwarded=False,
                                   context_wamid="wamid.SIM_OUT_0104")]),
    "username_without_wa_id": Expected([msg(
        35, "text", "oi, sou novo aqui", wa_id=None, bsuid="BR.13491208655302741918",
        profile_name="Caio", username="@caio.dev")]),
    "batch_multi_entry": Expected(
        messages=[
            msg(40, "text", "first from Ana"),
            msg(41, "text", "first from Bruno", wa_id=BRUNO, profile_name="Bruno Lima"),
            msg(42, "text", "second from Ana"),
            msg(43, "image", None, wa_id=BRUNO, profile_name="Bruno Lima"),
        ],
        statuses=[
            status(200, "delivered", 1767225700, callback_data="parley:outbox:1"),
            status(201, "read", 1767225701, pricing=None),
            status(202, "sent", 1767225702, pricing=PRICING),
        ],
        template_updates=[{"template_id": "771122334455668", "event": "APPROVED",
                           "language": "en_US", "timestamp": at(1767229300)}],
    ),
    "message_without_id_bad_timestamp": Expected(
        [msg(0, "text", "no id here",
             wamid="parley.d604b8180ef560c79d7636b854acbff72c5e528d6a94e13779736e53dcba2869",
             timestamp=at(1767229400))],
        ignored=2),
    "status_sent_pricing": Expected(statuses=[status(
        100, "sent", 1767225650, recipient_id=ANA, callback_data="parley:outbox:8841",
        pricing=PRICING, error_codes=[])]),
    "status_delivered": Expected(statuses=[status(
        100, "delivered", 1767225700, callback_data="parley:outbox:8841", pricing=None)]),
    "status_read": Expected(statuses=[status(100, "read", 1767225760, callback_data=None)]),
    "status_played": Expected(statuses=[status(107, "played", 1767225790)]),
    "status_failed_131047": Expected(statuses=[status(
        103, "failed", 1767225800, error_codes=[131047], error_details=[
            "Message failed to send because more than 24 hours have passed since the "
            "customer last replied to this number."])]),
    "status_ignored": Expected(ignored=2),
    "template_status_rejected": Expected(template_updates=[{
        "template_id": "771122334455667", "name": "order_delay_notice", "language": "pt_BR",
        "event": "REJECTED", "reason": "INVALID_FORMAT", "timestamp": at(1767229200)}]),
    "template_status_paused": Expected(template_updates=[{
        "template_id": "771122334455669", "name": "promo_weekend", "language": "en_US",
        "event": "PAUSED", "reason": "NONE"}]),
    "template_quality_update": Expected(other=["message_template_quality_update"]),
    "phone_number_quality_update": Expected(other=["phone_number_quality_update"]),
    "user_preferences": Expected(other=["user_preferences"]),
    "account_update": Expected(other=["account_update"]),
    "referral_ctwa": Expected([msg(50, "text", "Is this deal still on?", content={
        "body": "Is this deal still on?", "referral": {
            "source_url": "https://fb.me/fakead", "source_id": "50000000000007",
            "source_type": "ad", "headline": "Winter sale: 30% off boots",
            "body": "Boots for winter", "media_type": "image",
            "image_url": "https://example.com/ad.jpg", "video_url": None,
            "thumbnail_url": None, "ctwa_clid": "AfakeCtwaClid0000",
            "welcome_message": "Hi! How can we help?"}})]),
    "interactive_nfm_reply_object": Expected([msg(
        51, "interactive", "Form answers: Appointment day: Tuesday; quantity: 2", content={
            "kind": "nfm_reply", "body": None, "fields": [
                {"name": "screen_0_Appointment_day_0", "label": "Appointment day",
                 "value": "Tuesday"},
                {"name": "quantity", "label": "quantity", "value": "2"}]})]),
    "order_string_numbers": Expected([msg(
        52, "order",
        "Order (2 items): 3 × SKU-1 at USD 30.00, 2 × SKU-2 at USD 12.50; total USD 115.00",
        content={"text": None, "total": {"amount": "115.00", "currency": "USD"}})]),
    "request_welcome_referral": Expected([msg(
        53, "request_welcome", "Opened the chat (welcome request)", content={
            "referral": {"source_url": "https://fb.me/fakead", "source_id": None,
                         "source_type": "ad", "headline": "Winter sale", "body": None,
                         "media_type": None, "image_url": None, "video_url": None,
                         "thumbnail_url": None, "ctwa_clid": "AfakeCtwaClid0001",
                         "welcome_message": None}})]),
    "interactive_call_permission_reply": Expected([msg(
        54, "interactive", "Allowed WhatsApp calls from the business", content={
            "kind": "call_permission_reply", "response": "accept", "is_permanent": False,
            "expiration_timestamp": "1767830400", "response_source": "user_action"},
        context_wamid="wamid.SIM_OUT_0111")]),
    "frequently_forwarded": Expected([msg(
        55, "text", "forward this to 10 friends", forwarded=True,
        content={"forwarded": True, "frequently_forwarded": True})]),
    "referred_product": Expected([msg(56, "text", "Is this in stock?", content={
        "referred_product": {"catalog_id": "900000000000001", "product_retailer_id": "SKU-9"},
        "forwarded": "<absent>"}, context_wamid="wamid.SIM_OUT_0112")]),
    "image_download_error": Expected([msg(
        57, "image", "Check out my product!", error_codes=[131052],
        content={"caption": "Check out my product!", "errors": [{
            "code": 131052, "title": "Media download error",
            "message": "Media download error",
            "details": "Last error was: ServerThrottle.", "href": None}]})]),
    "edit": Expected([msg(58, "edit", "Olá! 👋 (edited)", content={
        "original_wamid": "wamid.SIM_IN_0001", "type": "text",
        "content": {"body": "Olá! 👋 (edited)"}})]),
    "revoke": Expected([msg(59, "revoke", None, content={
        "original_wamid": "wamid.SIM_IN_0001"})]),
    "bsuid_then_phone": Expected([
        msg(60, "text", "phone and bsuid", wa_id="5511955554444",
            bsuid="BR.5000000000000000001", parent_bsuid="BR.5000000000000000002",
            profile_name="Caio"),
        msg(61, "text", "another customer", wa_id="5521998765432", bsuid=None,
            profile_name="Bystander"),
    ]),
    "status_sent_with_contacts": Expected(statuses=[status(
        113, "sent", 1767225670, recipient_id=ANA,
        recipient_user_id="BR.13491208655302741918", recipient_username="@ana.souza")]),
    "smb_message_echoes": Expected(echoes=[{
        "wamid": "wamid.SIM_ECHO_0001", "wa_id": ANA, "type": "text",
        "text": "Sent from the Business app"}]),
    "smb_app_state_sync": Expected(other=["smb_app_state_sync"]),
    "foreign_phone_number_id": Expected(ignored=1, not_ours=True),
    "not_whatsapp_object": Expected(payload_error=True),
}
# fmt: on


def check(record: Any, expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if key == "content":
            assert {k: record.content.get(k, "<absent>") for k in want} == want
        elif key == "error_codes":
            assert [e.code for e in record.errors] == want
        elif key == "error_details":
            assert [e.details for e in record.errors] == want
        elif key == "referral_source":
            assert record.referral["source_id"] == want
        else:
            assert getattr(record, key) == want, key


def check_webhook(name: str, expected: Expected) -> WebhookBatch:
    if expected.payload_error:
        with pytest.raises(PayloadError):
            parse_webhook(load(name), phone_number_id=OURS)
        return WebhookBatch()
    batch = parse_webhook(load(name), phone_number_id=OURS)
    assert batch.not_ours is expected.not_ours
    assert len(batch.echoes) == len(expected.echoes)
    for echo, want in zip(batch.echoes, expected.echoes, strict=True):
        check(echo, want)
    assert len(batch.messages) == len(expected.messages)
    assert len(batch.statuses) == len(expected.statuses)
    for message, want in zip(batch.messages, expected.messages, strict=True):
        check(message, want)
    for update, want in zip(batch.statuses, expected.statuses, strict=True):
        check(update, want)
    assert [e.code for e in batch.errors] == expected.errors
    assert len(batch.template_updates) == len(expected.template_updates)
    for template, want in zip(batch.template_updates, expected.template_updates, strict=True):
        check(template, want)
    assert [change.field for change in batch.other] == expected.other
    assert len(batch.ignored) == expected.ignored, batch.ignored
    return batch


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    batch = check_webhook(name, EXPECTED[name])
    for message in batch.messages:
        assert message.type in MESSAGE_TYPES
        assert message.timestamp.tzinfo is UTC
        assert message.phone_number_id == "109876543210987"
        json.dumps(message.content)  # content is plain JSON, ready to store


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(EXPECTED)


def test_other_changes_keep_value_and_entry() -> None:
    other = parse_webhook(load("user_preferences")).other[0]
    assert other.entry_id == "880011223344556"
    assert other.value["user_preferences"][0]["value"] == "stop"


def test_raw_is_the_message_object() -> None:
    payload = load("reply_context")
    message = parse_webhook(payload).messages[0]
    assert message.raw == payload["entry"][0]["changes"][0]["value"]["messages"][0]


def test_contacts_paired_by_wa_id_not_index() -> None:
    payload = load("batch_multi_entry")
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"].append({"profile": {"name": "Nobody"}, "wa_id": "15550009999"})
    names = [m.profile_name for m in parse_webhook(payload).messages[:3]]
    assert names == ["Ana Souza", "Bruno Lima", "Ana Souza"]


def test_message_without_contact_has_no_name() -> None:
    payload = load("text")
    del payload["entry"][0]["changes"][0]["value"]["contacts"]
    message = parse_webhook(payload).messages[0]
    assert (message.wa_id, message.profile_name) == (ANA, None)


def test_synthetic_id_is_stable_and_depends_on_content() -> None:
    raw = {"from": ANA, "type": "text", "text": {"body": "a"}}
    reordered = {"text": {"body": "a"}, "type": "text", "from": ANA}
    assert synthetic_id(raw) == synthetic_id(reordered)
    assert synthetic_id(raw) != synthetic_id({**raw, "text": {"body": "b"}})
    assert synthetic_id(raw, "1") != synthetic_id(raw, "2")


@pytest.mark.parametrize(
    ("timestamp", "entry_time", "received_at", "expected"),
    [
        ("1767225600", None, None, at(1767225600)),
        (1767225600, None, None, at(1767225600)),
        (" 1767225600 ", None, None, at(1767225600)),
        ("1767225600000000", 1767229400, None, at(1767229400)),  # out of range
        ("-5", None, at(1767000000), at(1767000000)),
        (None, None, None, EPOCH),
        (True, None, None, EPOCH),
        ("1.7e9", None, None, EPOCH),
    ],
)
def test_timestamp_fallbacks(
    timestamp: object, entry_time: int | None, received_at: datetime | None, expected: datetime
) -> None:
    payload = load("text")
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = timestamp
    if entry_time is not None:
        payload["entry"][0]["time"] = entry_time
    batch = parse_webhook(payload, received_at=received_at)
    assert batch.messages[0].timestamp == expected
    assert len(batch.ignored) == (0 if expected == at(1767225600) else 1)


def test_interactive_reply_keeps_invalid_response_json_as_text() -> None:
    payload = load("interactive_nfm_reply")
    reply = payload["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["nfm_reply"]
    reply["response_json"] = "{not json"
    assert parse_webhook(payload).messages[0].content["response_json"] == "{not json"


def test_location_coordinates_sent_as_strings() -> None:
    payload = load("location_current")
    loc = payload["entry"][0]["changes"][0]["value"]["messages"][0]["location"]
    loc.update(latitude="-22.9068", longitude="NaN")
    content = parse_webhook(payload).messages[0].content
    assert (content["latitude"], content["longitude"]) == (-22.9068, None)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "not a JSON object"),
        ("{}", "not a JSON object"),
        (None, "not a JSON object"),
        ({"object": "page", "entry": []}, "'object'"),
        ({"entry": []}, "'object'"),
        ({"object": "whatsapp_business_account"}, "'entry'"),
        ({"object": "whatsapp_business_account", "entry": {}}, "'entry'"),
    ],
)
def test_unusable_envelope(payload: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        parse_webhook(payload)


def test_empty_entry_list_is_an_empty_batch() -> None:
    assert parse_webhook({"object": "whatsapp_business_account", "entry": []}) == WebhookBatch()


def test_weird_inner_items_are_noted_not_fatal() -> None:
    payload = load("batch_multi_entry")
    first = payload["entry"][0]
    first["changes"][0]["value"]["messages"].insert(1, "garbage")
    first["changes"][1]["value"]["statuses"].append({"status": "read"})
    first["changes"].append({"field": "messages", "value": None})
    payload["entry"].append(42)
    batch = parse_webhook(payload)
    assert (len(batch.messages), len(batch.statuses)) == (4, 3)
    assert len(batch.ignored) == 4
    assert any("messages[1]: not an object" in note for note in batch.ignored)


def test_absurdly_deep_message_still_gets_a_distinct_id() -> None:
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    ids = {synthetic_id({"from": sender, "type": "text", "deep": deep}) for sender in ("1", "2")}
    assert len(ids) == 2 and all(i.startswith("parley.") for i in ids)


def test_ids_longer_than_any_of_metas_are_set_aside_and_names_cut() -> None:
    payload = envelope(
        messages=[
            {"from": "1" * 40, "id": "w" * 256, "timestamp": "1767603600", "type": "text",
             "text": {"body": "hi"}, "context": {"id": "q" * 256}},
        ],
        contacts=[{"profile": {"name": "n" * 300, "username": "u" * 300}, "wa_id": "1" * 40}],
        statuses=[{"id": "s" * 256, "status": "read", "timestamp": "1767603600"}],
    )  # fmt: skip
    batch = parse_webhook(payload)
    (message,) = batch.messages
    assert message.wamid.startswith("parley.") and message.wa_id is None
    assert message.context_wamid is None
    assert message.profile_name is None  # the contact's wa_id no longer matches a sender
    assert batch.statuses == []
    assert any("sender of 40 characters ignored" in note for note in batch.ignored)


def test_a_long_profile_name_is_cut() -> None:
    payload = envelope(
        messages=[{"from": "15551234567", "id": "wamid.N", "timestamp": "1767603600",
                   "type": "text", "text": {"body": "hi"}}],
        contacts=[{"profile": {"name": "n" * 300}, "wa_id": "15551234567"}],
    )  # fmt: skip
    (message,) = parse_webhook(payload).messages
    assert message.profile_name == "n" * 200
