"""JSON shapes of the control API: customers and the messages a customer's phone holds.

Each message carries its raw content plus a `view`: the few fields the phone page draws
(text, media, location, buttons…), so the page's JavaScript stays a plain renderer.
"""

from __future__ import annotations

from typing import Any

from .store import MEDIA_TYPES, ChatMessage, Customer, Store


def customer_json(customer: Customer, now: float) -> dict[str, Any]:
    last = customer.messages[-1] if customer.messages else None
    unread = sum(
        1
        for m in customer.messages
        if m.direction == "out" and m.status in ("sent", "delivered") and m.type != "reaction"
    )
    return {
        "wa_id": customer.wa_id,
        "user_id": customer.user_id,
        "profile_name": customer.profile_name,
        "created_at": customer.created_at,
        "last_inbound_at": customer.last_inbound_at,
        "window_open": customer.window_open(now),
        "typing": customer.typing_until > now,
        "typing_seconds_left": round(max(0.0, customer.typing_until - now), 1),
        "unread": unread,
        "last_message": _preview(last) if last else None,
        "last_message_at": last.timestamp if last else None,
    }


def message_json(message: ChatMessage, store: Store) -> dict[str, Any]:
    return {
        "id": message.id,
        "direction": message.direction,
        "type": message.type,
        "timestamp": int(message.timestamp),
        # not in Meta's shapes: the control API's exact time, for rate checks
        "accepted_at": message.timestamp,
        "status": message.status,
        "statuses": [
            {
                "status": s.status,
                "timestamp": int(s.timestamp),
                **({"errors": s.errors} if s.errors else {}),
            }
            for s in message.statuses
        ],
        "content": message.content,
        "context": message.context,
        "biz_opaque_callback_data": message.biz_opaque_callback_data,
        "errors": message.errors,
        "reactions": dict(message.reactions),
        "view": view(message, store),
    }


def _payload(message: ChatMessage) -> dict[str, Any]:
    """The `<type>` object, whichever side sent it."""
    if message.direction == "out":
        return message.content
    inner = message.content.get(message.type)
    return inner if isinstance(inner, dict) else {}


def view(message: ChatMessage, store: Store) -> dict[str, Any]:
    out: dict[str, Any] = {}
    payload = _payload(message)
    kind = message.type
    if kind == "text":
        out["text"] = payload.get("body", "")
    elif kind in MEDIA_TYPES:
        out["media"] = _media(kind, payload, store)
        out["text"] = payload.get("caption")
    elif kind == "location":
        out["location"] = {k: payload.get(k) for k in ("latitude", "longitude", "name", "address")}
    elif kind == "contacts":
        items = message.content.get("contacts", [])
        out["contacts"] = [_contact_card(c) for c in items if isinstance(c, dict)]
    elif kind == "reaction":
        out["reaction"] = {
            "message_id": payload.get("message_id"),
            "emoji": payload.get("emoji", ""),
        }
    elif kind == "template" and message.filled:
        out.update(
            header=message.filled["header"],
            header_media=message.filled["header_media"],
            text=message.filled["body"],
            footer=message.filled["footer"],
            buttons=message.filled["buttons"],
        )
    elif kind == "interactive":
        out.update(_interactive(message, payload))
    elif kind == "button":
        out["text"] = payload.get("text", "")
    elif kind == "system":
        out.update(text=payload.get("body", "System message"), system=True)
    else:
        out["text"] = f"Unsupported message ({kind})"
        out["unsupported"] = True
    if message.context and message.context.get("id"):
        quoted = store.messages.get(str(message.context["id"]))
        out["quote"] = {
            "id": message.context["id"],
            "direction": quoted.direction if quoted else None,
            "text": _preview(quoted) if quoted else "Message",
        }
    return out


def _media(kind: str, payload: dict[str, Any], store: Store) -> dict[str, Any]:
    media_id = payload.get("id")
    stored = store.media.get(str(media_id)) if media_id else None
    return {
        "kind": kind,
        "id": media_id,
        "url": f"/_sim/media/{media_id}/content" if stored else payload.get("link"),
        "mime_type": stored.mime_type if stored else payload.get("mime_type"),
        "filename": payload.get("filename") or (stored.filename if stored else None),
        "size": len(stored.content) if stored else None,
        "voice": bool(payload.get("voice")),
    }


def _contact_card(card: dict[str, Any]) -> dict[str, Any]:
    raw_name = card.get("name")
    name: dict[str, Any] = raw_name if isinstance(raw_name, dict) else {}
    phones = [p.get("phone") for p in card.get("phones", []) if isinstance(p, dict)]
    return {"name": name.get("formatted_name", "Contact"), "phones": [p for p in phones if p]}


def _interactive(message: ChatMessage, payload: dict[str, Any]) -> dict[str, Any]:
    if message.direction == "in":
        reply = payload.get(str(payload.get("type")), {})
        return {"text": reply.get("title", "") if isinstance(reply, dict) else ""}
    header = payload.get("header") or {}
    action = payload.get("action") or {}
    out: dict[str, Any] = {
        "header": header.get("text") if header.get("type") == "text" else None,
        "text": (payload.get("body") or {}).get("text", ""),
        "footer": (payload.get("footer") or {}).get("text"),
    }
    kind = payload.get("type")
    if kind == "button":
        out["buttons"] = [
            {"kind": "reply", "id": b["reply"]["id"], "title": b["reply"]["title"]}
            for b in action.get("buttons", [])
        ]
    elif kind == "list":
        out["list"] = {
            "button": action.get("button", "Options"),
            "sections": action.get("sections", []),
        }
    elif kind == "cta_url":
        params = action.get("parameters") or {}
        out["buttons"] = [
            {"kind": "url", "title": params.get("display_text"), "url": params.get("url")}
        ]
    return out


def _preview(message: ChatMessage) -> str:
    payload = _payload(message)
    if message.type == "text":
        return str(payload.get("body", ""))[:120]
    if message.type == "template" and message.filled:
        return str(message.filled["body"])[:120]
    if message.type == "interactive":
        body = payload.get("body")
        if isinstance(body, dict):
            return str(body.get("text", ""))[:120]
        reply = payload.get(str(payload.get("type")), {})
        return str(reply.get("title", "")) if isinstance(reply, dict) else "Reply"
    if message.type in MEDIA_TYPES:
        return str(payload.get("caption") or payload.get("filename") or message.type.title())
    if message.type == "button":
        return str(payload.get("text", ""))
    if message.type == "reaction":
        return f"Reacted {payload.get('emoji', '')}".strip()
    return message.type.title()
