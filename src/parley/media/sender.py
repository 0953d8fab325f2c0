"""The sender's side of outbound media: an agent's attachment uploaded to the Cloud API.

The outbox queues a `MediaContent` naming `attachment_id`; before sending, `MediaSender.upload`
uploads the stored file (streamed) to `POST /{phone-number-id}/media` and the sender sends the
returned media id. An upload is reused for 29 days (Meta keeps uploads 30).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from parley.db.uow import UnitOfWork
from parley.media.models import READY, Attachment
from parley.media.storage import Storage
from parley.whatsapp.graph import WhatsAppGateway

REUSE = timedelta(days=29)


class AttachmentMissing(ValueError):
    """The attachment is gone or not stored: the send cannot go (the outbox fails it)."""


class MediaSender:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def upload(
        self,
        uow: Callable[[], UnitOfWork],
        gateway: WhatsAppGateway,
        attachment_id: int,
        now: datetime,
    ) -> str:
        """The Cloud API media id of the attachment, uploading it (streamed) unless a recent
        upload can be reused. `AttachmentMissing` when there is no stored file."""
        async with uow() as unit:
            attachment = await unit.session.get(Attachment, attachment_id)
            if attachment is None or attachment.state != READY or attachment.storage_key is None:
                raise AttachmentMissing(f"attachment {attachment_id} is not stored")
            key, mime, name = attachment.storage_key, attachment.mime_type, attachment.filename
            media_id = attachment.wa_media_id
            if media_id is not None and now - attachment.updated_at < REUSE:
                return media_id
        media_id = await gateway.upload_media(self._storage.read(key), mime, name)
        async with uow() as unit:
            stored = await unit.session.get(Attachment, attachment_id)
            if stored is not None:
                stored.wa_media_id = media_id
                stored.updated_at = now
            await unit.commit()
        return media_id
