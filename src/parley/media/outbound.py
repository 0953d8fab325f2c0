"""An agent's files sent to the contact: one WhatsApp message per attachment.

With text and attachments: a single image, video or document takes a text of up to 1024
characters as its caption (one message, as WhatsApp shows it); otherwise the text goes first
as its own message, then one message per file, in the order given. A quoted reply quotes from
the first message. Message `n` (from 0) of one request has the client id `<client_id>` for the
first and `<client_id>.<n>` for the next, so a retried request is recognised and not repeated.
"""

from __future__ import annotations

from sqlalchemy import select

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.interactions import service as interactions
from parley.interactions.models import Interaction, Message
from parley.interactions.transcript import message_out
from parley.media.models import Attachment
from parley.media.schemas import summary
from parley.media.service import unsent_attachments
from parley.realtime.events import MessageCreated

CAPTION_LIMIT = 1024  # WhatsApp's caption limit (WHATSAPP.md §4)
CAPTIONED = ("image", "video", "document")
MAX_ATTACHMENTS = 10


def takes_caption(attachments: list[Attachment], text: str | None) -> bool:
    return (
        text is not None
        and len(attachments) == 1
        and attachments[0].kind in CAPTIONED
        and len(text) <= CAPTION_LIMIT
    )


def client_id_for(client_id: str, n: int) -> str:
    return client_id if n == 0 else f"{client_id[:58]}.{n}"


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
) -> list[Message]:
    """Queue the messages (see the module docstring); returns them in sending order."""
    existing = await uow.session.scalar(
        select(Message).where(
            Message.interaction_id == interaction.id, Message.client_id == client_id
        )
    )
    if existing is not None:  # the agent's retry of a request we already took
        sent = await uow.session.scalars(
            select(Message)
            .where(
                Message.interaction_id == interaction.id,
                Message.client_id.like(f"{client_id[:58]}.%"),
            )
            .order_by(Message.id)
        )
        return [existing, *sent]
    interactions.require_active(user, interaction)
    now = clock.now()
    interactions.require_window(interaction, now)
    attachments = await unsent_attachments(uow, user, attachment_ids)
    messages: list[Message] = []
    caption = text if takes_caption(attachments, text) else None
    if text is not None and caption is None:
        messages.append(
            await interactions.send_text(
                uow, clock, user, interaction, text=text, client_id=client_id, reply_to=reply_to
            )
        )
        reply_to = None
    for attachment in attachments:
        n = len(messages)
        quoted = await interactions.quoted_wamid(uow, interaction, reply_to if n == 0 else None)
        attachment.contact_id = interaction.contact_id
        body: dict[str, object] = {"attachment_id": attachment.id}
        if caption:
            body["caption"] = caption
        if attachment.kind == "document":
            body["filename"] = attachment.filename
        message = await interactions.queue_outbound(
            uow,
            user,
            interaction,
            now,
            type=attachment.kind,
            text=caption,
            content={"attachment": summary(attachment), "caption": caption},
            body=body,
            reply_to_wamid=quoted,
            client_id=client_id_for(client_id, n),
        )
        attachment.message_id = message.id
        attachment.updated_at = now
        messages.append(message)
        interactions.answered(interaction, message, now)
        uow.emit(MessageCreated(message=await message_out(uow, message)), to=user.id)
    await interactions.publish_interaction(uow, interaction)
    return messages
