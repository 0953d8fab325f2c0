"""Notifications: one approved WhatsApp template message, with exactly the agent's values.

Templates are the only messages WhatsApp takes outside the 24-hour window (WHATSAPP.md §8.4),
so no window check here; the template must be APPROVED (else 132001/132015/132016 at Meta).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.templates import TemplateError, render_template, send_components
from parley.errors import Conflict, Invalid
from parley.interactions import service as interactions
from parley.interactions.models import Interaction, Message
from parley.interactions.transcript import message_out
from parley.realtime.events import MessageCreated
from parley.templates.schemas import NotificationIn, as_meta
from parley.templates.service import approved_template


async def send_notification(
    uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction, data: NotificationIn
) -> Message:
    """Queue the template message; its `text` is the rendered body, its `content` the
    template's name, language, values and rendered header, footer and buttons."""
    if data.client_id is not None:
        existing = await uow.session.scalar(
            select(Message).where(
                Message.interaction_id == interaction.id, Message.client_id == data.client_id
            )
        )
        if existing is not None:
            if existing.type != "template" or existing.content.get("parameters") != data.parameters:
                raise Conflict(
                    "This client_id was already used for a different message.",
                    code="client_id_reused",
                )
            return existing
    interactions.require_active(user, interaction)
    row = await approved_template(uow, data.template, data.language)
    template = as_meta(row)
    try:
        rendered = render_template(template, data.parameters)
        components = send_components(template, data.parameters)
    except TemplateError as exc:
        raise Invalid(exc.message, code=exc.code, fields=exc.fields) from None
    body: dict[str, Any] = {"name": row.name, "language": {"code": row.language}}
    if components:
        body["components"] = components
    content = {
        "template": row.name,
        "language": row.language,
        "parameters": dict(data.parameters),
        "header": rendered.header,
        "header_format": rendered.header_format,
        "footer": rendered.footer,
        "buttons": [{"type": b.type, "text": b.text, "url": b.url} for b in rendered.buttons],
    }
    now = clock.now()
    message = await interactions.queue_outbound(
        uow,
        user,
        interaction,
        now,
        type="template",
        text=rendered.body,
        content=content,
        body=body,
        client_id=data.client_id,
    )
    interactions.mark_answered(interaction, message, now)
    uow.emit(MessageCreated(message=await message_out(uow, message)), to=user.id)
    await interactions.publish_interaction(uow, interaction)
    return message
