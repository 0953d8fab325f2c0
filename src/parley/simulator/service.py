"""What happens in the simulated world: the business sends, customers send and read.

`Simulator` owns the store, the templates, the limits, the faults and the webhook sender.
Graph routes call `send_message`/`mark_read`; the control API and the phone page call
`customer_sends`/`customer_reads`. Every outcome a real phone would report goes out as a
webhook event in the customer's lane.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from ..settings import Settings
from .config import SimulatorOptions
from .errors import GraphError, webhook_error
from .faults import FaultBook
from .payloads import Event, contact, pricing, status_object, template_status_value
from .providers import Clock, Ids, bsuid
from .ratelimit import SendLimits
from .snapshot import Snapshot
from .store import MEDIA_TYPES, ChatMessage, Customer, Store
from .templates import Template, normalize_language, seed_templates
from .validation import MarkRead, Outbound
from .webhooks import WebhookSender

REACTION_MAX_AGE = 30 * 24 * 3600
NO_PAYLOAD_TYPES = frozenset({"system", "unsupported", "request_welcome"})
TYPING_SECONDS = 25.0


class SimulatorError(ValueError):
    """A bad control-API request (becomes a 400/404 with Parley's error shape)."""

    def __init__(self, message: str, code: str = "bad_request", status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class Simulator:
    def __init__(
        self,
        settings: Settings,
        options: SimulatorOptions,
        clock: Clock,
        retry_schedule: Sequence[float],
        http: httpx.AsyncClient | None,
        state_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.options = options
        self._initial_options = copy.deepcopy(options)
        self.clock = clock
        self.ids = Ids()
        self.store = Store()
        self.templates: list[Template] = seed_templates()
        self.faults = FaultBook()
        self.limits = SendLimits(clock)
        self.webhooks = WebhookSender(settings, options, clock, self.faults, retry_schedule, http)
        self.snapshot = Snapshot(state_dir) if state_dir is not None else None
        self.restored = False
        """Whether the customers and their chats were read back from `state_dir`."""
        if self.snapshot is not None:
            self.restored = self.snapshot.load(self.store)
            snapshot, store = self.snapshot, self.store
            self.store.on_change = lambda: snapshot.save_soon(store)

    # --- lifecycle ---------------------------------------------------------------------

    async def reset(self) -> None:
        """Back to a fresh start: no customers, media, faults or pending webhooks."""
        await self.webhooks.reset()
        self.store.clear()
        self.templates = seed_templates()
        self.faults.clear()
        self.limits.reset()
        for name, value in vars(copy.deepcopy(self._initial_options)).items():
            setattr(self.options, name, value)

    async def aclose(self) -> None:
        await self.webhooks.aclose()
        if self.snapshot is not None:
            self.snapshot.flush(self.store)

    # --- customers -----------------------------------------------------------------------

    def add_customer(self, wa_id: str, profile_name: str | None) -> Customer:
        self._refuse_business_number(wa_id)
        user_id = bsuid(self.settings.whatsapp_business_account_id, wa_id)
        return self.store.upsert_customer(wa_id, profile_name, self.clock(), user_id)

    def _refuse_business_number(self, wa_id: str) -> None:
        """No phone can write to a WhatsApp Business number from that same number (Meta's send
        side answers 131021 "Recipient is the sender" for the reverse)."""
        business = "".join(c for c in self.settings.whatsapp_display_phone_number if c.isdigit())
        if wa_id == business:
            raise SimulatorError(
                f"{wa_id} is the business's own number: a customer cannot write from it.",
                "business_number",
            )

    def _user_id(self, wa_id: str) -> str | None:
        """The BSUID to put in webhooks, if that option is on and the customer exists."""
        customer = self.store.customer(wa_id)
        return customer.user_id if customer and self.options.bsuid else None

    def resolve_wa_id(self, digits: str) -> str:
        """The wa_id WhatsApp answers for dialled `digits` (§8.5: BR 9th digit, MX `521`)."""
        if digits in self.options.wa_id_map:
            return self.options.wa_id_map[digits]
        if digits in self.store.customers:
            return digits
        variants = []
        if digits.startswith("55") and len(digits) == 13 and digits[4] == "9":
            variants.append(digits[:4] + digits[5:])
        if digits.startswith("55") and len(digits) == 12:
            variants.append(digits[:4] + "9" + digits[4:])
        if digits.startswith("52") and len(digits) == 12:
            variants.append("521" + digits[2:])
        if digits.startswith("521") and len(digits) == 13:
            variants.append("52" + digits[3:])
        return next((v for v in variants if v in self.store.customers), digits)

    # --- business side -------------------------------------------------------------------

    def send_message(self, out: Outbound) -> dict[str, Any]:
        """Accept a validated send; answer Meta's 200 body. Failures that Meta reports by
        webhook (131026, 131047, 131053 for a vanished media id) are queued as such."""
        if not self.limits.allow_throughput(self.options.throughput_mps):
            raise GraphError(130429)
        wa_id = self.resolve_wa_id(out.digits)
        if wa_id == self.settings.whatsapp_display_phone_number:
            raise GraphError(131021, "The recipient is the business number itself.")
        customer = self.store.customer(wa_id)
        if customer is None and not self.options.unknown_recipients_fail:
            customer = self.add_customer(wa_id, "")
        if self.options.pair_rate_limit and not self.limits.allow_pair(wa_id):
            raise GraphError(131056)
        now = self.clock()
        if out.type == "reaction" and customer is not None:
            self._check_reaction_target(customer, out.content, now)
        message = ChatMessage(
            id=self.ids.wamid(wa_id),
            wa_id=wa_id,
            direction="out",
            type=out.type,
            timestamp=now,
            content=out.content,
            context={"id": out.context_id} if out.context_id else None,
            biz_opaque_callback_data=out.biz_opaque_callback_data,
            template_category=out.template["category"] if out.template else None,
            filled=out.filled_template,
        )
        if customer is None:
            self.store.messages[message.id] = message
            self._fail(message, 131026)
        else:
            self._deliver(customer, message, out)
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": out.to, "wa_id": wa_id}],
            "messages": [{"id": message.id}],
        }

    def _deliver(self, customer: Customer, message: ChatMessage, out: Outbound) -> None:
        now = message.timestamp
        window_open = customer.window_open(now)
        customer.typing_until = 0.0
        self.store.add_message(message)
        if out.type != "template" and not window_open:
            self._fail(message, 131047)
            return
        if out.missing_media is not None:
            self._fail(message, 131053, f"Media {out.missing_media} was not found or has expired.")
            return
        price = pricing(message, window_open)
        late = self.faults.take_webhook("late_sent") is not None
        sent = self._status(message, "sent", price=price, emit=not late)
        if out.type == "reaction":
            self._apply_reaction(message, "business")
        else:
            if self.options.auto_deliver:
                self._status(message, "delivered", price=price)
            if self.options.auto_read:
                self._status(message, "read")
        if late and sent is not None:
            self.webhooks.enqueue(sent)  # the `sent` status arrives after the later ones

    def _check_reaction_target(
        self, customer: Customer, content: dict[str, Any], now: float
    ) -> None:
        target = self.store.messages.get(str(content["message_id"]))
        if target is None or target.wa_id != customer.wa_id or target.type == "reaction":
            raise GraphError(131009, "The reaction target message was not found in this chat.")
        if now - target.timestamp > REACTION_MAX_AGE:
            raise GraphError(131009, "The reaction target message is older than 30 days.")

    def _apply_reaction(self, message: ChatMessage, who: str) -> None:
        target_id = (
            message.content.get("message_id")
            if message.direction == "out"
            else (message.content.get("reaction", {}).get("message_id"))
        )
        source = message.content if message.direction == "out" else message.content["reaction"]
        target = self.store.messages.get(str(target_id))
        if target is None:
            return
        emoji = source.get("emoji") or ""
        if emoji:
            target.reactions[who] = emoji
        else:
            target.reactions.pop(who, None)
        self.store.touch()

    def _status(
        self,
        message: ChatMessage,
        status: str,
        *,
        price: dict[str, Any] | None = None,
        emit: bool = True,
    ) -> Event | None:
        """Move the message to `status` and queue its webhook (unless `emit` is False: the
        caller sends the returned event later)."""
        if not message.set_status(status, self.clock()):
            return None
        self.store.touch()
        user_id = self._user_id(message.wa_id)
        obj = status_object(message, status, self.clock(), price=price, user_id=user_id)
        # Meta (2026) names the recipient beside `sent`, `delivered` and `read` statuses: wa_id,
        # BSUID; never beside `failed` (WHATSAPP.md §3).
        recipient = contact(message.wa_id, None, user_id) if status != "failed" else None
        event = Event(lane=message.wa_id, contact=recipient, status=obj)
        if emit:
            self.webhooks.enqueue(event)
        return event

    def _fail(self, message: ChatMessage, code: int, details: str | None = None) -> None:
        errors = [webhook_error(code, details)]
        message.set_status("failed", self.clock(), errors)
        self.store.touch()
        obj = status_object(message, "failed", self.clock(), errors=errors)
        self.webhooks.enqueue(Event(lane=message.wa_id, status=obj))

    def mark_read(self, request: MarkRead) -> None:
        """The business read an inbound message (and, implicitly, every earlier one)."""
        target = self.store.messages.get(request.message_id)
        if target is None or target.direction != "in":
            raise GraphError(100, f"Message {request.message_id} was not received by this number.")
        customer = self.store.customers[target.wa_id]
        for message in customer.messages:
            if message.direction == "in" and message.timestamp <= target.timestamp:
                message.set_status("read", self.clock())
        if request.typing:
            customer.typing_until = self.clock() + TYPING_SECONDS
        self.store.touch()

    # --- customer side -------------------------------------------------------------------

    def customer_sends(
        self, wa_id: str, body: dict[str, Any], profile_name: str | None
    ) -> ChatMessage:
        """The customer sends `body` (a webhook message object without from/id/timestamp)."""
        kind = body.get("type")
        if not isinstance(kind, str) or not kind:
            raise SimulatorError("The message needs a 'type'.")
        self._refuse_business_number(wa_id)
        customer = self.store.customer(wa_id)
        if customer is None or profile_name is not None:
            customer = self.add_customer(wa_id, profile_name)
        now = self.clock()
        wamid = self.ids.wamid(wa_id)
        obj: dict[str, Any] = {}
        context = self._inbound_context(body.get("context"))
        if context is not None:
            obj["context"] = context
        obj["from"] = wa_id
        user_id = self._user_id(wa_id)
        if user_id:
            obj["from_user_id"] = user_id
        obj.update({"id": wamid, "timestamp": str(int(now)), "type": kind})
        for key, value in body.items():
            if key not in (
                "context",
                "from",
                "from_user_id",
                "id",
                "timestamp",
                "type",
                "profile_name",
            ):
                obj[key] = copy.deepcopy(value)
        self._fill_inbound(customer, obj, now)
        message = ChatMessage(
            id=wamid,
            wa_id=wa_id,
            direction="in",
            type=kind,
            timestamp=now,
            content=obj,
            context={"id": context["id"]} if context and "id" in context else None,
        )
        message.set_status("sent", now)
        if kind != "system":
            customer.last_inbound_at = now
        self.store.add_message(message)
        if kind == "reaction":
            self._apply_reaction(message, "customer")

        def delivered() -> None:
            if message.set_status("delivered", self.clock()):
                self.store.touch()

        sender = None if kind == "system" else contact(wa_id, customer.profile_name, user_id)
        self.webhooks.enqueue(
            Event(lane=wa_id, contact=sender, message=obj, on_delivered=delivered)
        )
        return message

    def _inbound_context(self, context: Any) -> dict[str, Any] | None:
        if context is None:
            return None
        if not isinstance(context, dict):
            raise SimulatorError('\'context\' must be an object, e.g. {"id": "wamid…"}.')
        out = dict(context)
        quoted = out.pop("message_id", None) or out.get("id")
        if quoted:
            out = {
                "from": self.settings.whatsapp_display_phone_number,
                "id": quoted,
                **{k: v for k, v in out.items() if k not in ("from", "id")},
            }
        return out

    def _fill_inbound(self, customer: Customer, obj: dict[str, Any], now: float) -> None:
        kind = obj["type"]
        payload = obj.get(kind)
        if kind in MEDIA_TYPES:
            if not isinstance(payload, dict) or not payload.get("id"):
                raise SimulatorError(f"A {kind} message needs '{kind}.id' of uploaded media.")
            media = self.store.live_media(str(payload["id"]), now)
            if media is None:
                raise SimulatorError(f"Media {payload['id']} does not exist.", "not_found", 404)
            payload.setdefault("mime_type", media.mime_type)
            payload.setdefault("sha256", media.sha256)
            if kind == "document" and media.filename:
                payload.setdefault("filename", media.filename)
        elif kind == "text":
            body = payload.get("body") if isinstance(payload, dict) else None
            if not isinstance(body, str) or not body.strip():
                # WhatsApp's apps send no empty message: neither does the simulated customer.
                raise SimulatorError("A text message needs 'text.body' with some text.")
        elif kind == "reaction":
            target = payload.get("message_id") if isinstance(payload, dict) else None
            found = self.store.messages.get(str(target))
            if found is None or found.wa_id != customer.wa_id:
                raise SimulatorError("'reaction.message_id' must be a message of this chat.")
        elif kind == "unsupported" and "errors" not in obj:
            obj.setdefault("unsupported", {"type": "unknown"})
            error = webhook_error(131051, "Message type is currently not supported.")
            error.pop("href")
            obj["errors"] = [error]
        elif kind not in NO_PAYLOAD_TYPES and not isinstance(payload, dict | list):
            raise SimulatorError(f"A {kind} message needs a '{kind}' object.")

    def customer_reads(self, wa_id: str) -> int:
        """The customer opens the chat: every unread business message becomes `read`."""
        customer = self.store.customer(wa_id)
        if customer is None:
            raise SimulatorError(f"Customer {wa_id} does not exist.", "not_found", 404)
        count = 0
        for message in customer.messages:
            if message.direction == "out" and message.status in ("sent", "delivered"):
                if message.type == "reaction":
                    continue
                skipped = message.status == "sent"
                price = pricing(message, True) if skipped else None
                self._status(message, "read", price=price)
                count += 1
        return count

    # --- templates -----------------------------------------------------------------------

    def set_template_status(
        self, name: str, language: str | None, status: str, reason: str | None
    ) -> Template:
        """Change a template's status and send `message_template_status_update`."""
        matches = [
            t
            for t in self.templates
            if t["name"] == name
            and (language is None or t["language"] == normalize_language(language))
        ]
        if not matches:
            raise SimulatorError(f"Template {name} does not exist.", "not_found", 404)
        template = matches[0]
        template["status"] = status
        value = template_status_value(template, status, reason)
        self.webhooks.enqueue(
            Event(lane="waba", field="message_template_status_update", value=value)
        )
        return template
