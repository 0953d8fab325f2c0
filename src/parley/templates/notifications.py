"""Notifications: one approved WhatsApp template message, with exactly the agent's values.

Templates are the only messages WhatsApp takes outside the 24-hour window (WHATSAPP.md §8.4),
which `send_message` knows; the template must be APPROVED here (else Meta answers 132001,
132015 or 132016).
"""

from __future__ import annotations

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.templates import TemplateError, render_template, send_components
from parley.errors import Invalid
from parley.interactions.models import Interaction
from parley.interactions.sending import send_message
from parley.messages.content import TemplateContent
from parley.messages.models import Message
from parley.templates.schemas import NotificationIn, as_meta
from parley.templates.service import approved_template


async def send_notification(
    uow: UnitOfWork, clock: Clock, user: User, interaction: Interaction, data: NotificationIn
) -> Message:
    """Queue the template message. Its transcript `text` is the rendered body; its `content`
    holds the template's `name`, `language`, `parameters` (the values sent) and the rendered
    `header`, `header_format`, `footer` and `buttons` for the desktop to draw."""
    row = await approved_template(uow, data.template, data.language)
    template = as_meta(row)
    try:
        rendered = render_template(template, data.parameters)
        components = send_components(template, data.parameters)
    except TemplateError as exc:
        raise Invalid(exc.message, code=exc.code, fields=exc.fields) from None
    shown: dict[str, object] = {
        "template": row.name,
        "language": row.language,
        "parameters": dict(data.parameters),
        "header": rendered.header,
        "header_format": rendered.header_format,
        "footer": rendered.footer,
        "buttons": [{"type": b.type, "text": b.text, "url": b.url} for b in rendered.buttons],
    }
    content = TemplateContent(name=row.name, language=row.language, components=components)
    return await send_message(
        uow,
        clock,
        user,
        interaction,
        content,
        client_id=data.client_id,
        text=rendered.body,
        shown=shown,
    )
