"""An agent's files sent to the contact: one WhatsApp message per attachment.

With text and attachments the text goes first as its own message, then one message per file,
in the order given (the help page's order for standard responses). Asked to (`as_caption`), a
single image, video or document takes a text of up to 1024 characters as its caption instead
(one message, as WhatsApp shows it). A quoted reply quotes from
the first message. Message `n` (from 0) of one request has the client id `<client_id>` for the
first and `<client_id>.<n>` for the next, so a retried request is recognised and not repeated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.interactions.models import Interaction
from parley.interactions.sending import require_window, send_message
from parley.interactions.service import require_active
from parley.media.models import Attachment
from parley.media.schemas import summary
from parley.media.service import sendable_attachments
from parley.messages.content import MediaContent, TextContent
from parley.messages.models import Message

CAPTION_LIMIT = 1024  # WhatsApp's caption limit (WHATSAPP.md §4)
CAPTIONED = ("image", "video", "document")


def takes_caption(attachments: list[Attachment], text: str | None) -> bool:
    return (
        text is not None
        and len(attachments) == 1
        and attachments[0].kind in CAPTIONED
        and len(text) <= CAPTION_LIMIT
    )


def client_id_for(client_id: str, n: int) -> str:
    return client_id if n == 0 else f"{client_id[:58]}.{n}"


def media_content(attachment: Attachment, caption: str | None) -> MediaContent:
    kind = (
        attachment.kind if attachment.kind in ("image", "audio", "video", "sticker") else "document"
    )
    return MediaContent(
        type=kind,
        attachment_id=attachment.id,
        caption=caption,
        filename=attachment.filename if kind == "document" else None,
    )


async def send_with_attachments(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    *,
    text: str | None,
    attachment_ids: list[int],
    client_id: str,
    reply_to: int | None,
    as_caption: bool = False,
    composed_at: datetime | None = None,
) -> list[Message]:
    """Queue the messages (see the module docstring); returns them in sending order."""
    first = await uow.session.scalar(
        select(Message).where(
            Message.interaction_id == interaction.id, Message.client_id == client_id
        )
    )
    if first is not None:  # the agent's retry of a request we already took
        rest = await uow.session.scalars(
            select(Message)
            .where(
                Message.interaction_id == interaction.id,
                Message.client_id.like(f"{client_id[:58]}.%"),
            )
            .order_by(Message.id)
        )
        return [first, *rest]
    require_active(user, interaction)
    require_window(interaction, clock.now())
    attachments = await sendable_attachments(uow, user, attachment_ids)
    messages: list[Message] = []
    caption = text if as_caption and takes_caption(attachments, text) else None
    if text is not None and caption is None:
        messages.append(
            await send_message(
                uow,
                clock,
                user,
                interaction,
                TextContent(body=text),
                client_id=client_id,
                reply_to=reply_to,
                composed_at=composed_at,
            )
        )
    for attachment in attachments:
        n = len(messages)
        if attachment.contact_id is None:  # a library file keeps no contact of its own
            attachment.contact_id = (
                interaction.contact_id if attachment.message_id is None else None
            )
        content = media_content(attachment, caption)
        message = await send_message(
            uow,
            clock,
            user,
            interaction,
            content,
            client_id=client_id_for(client_id, n),
            reply_to=reply_to if n == 0 else None,
            composed_at=composed_at,
            shown={**content.model_dump(), "attachment": summary(attachment)},
        )
        attachment.message_id = attachment.message_id or message.id
        attachment.updated_at = clock.now()
        messages.append(message)
    return messages
