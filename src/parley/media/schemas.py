"""Attachment shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from parley.media.models import Attachment


class AttachmentOut(BaseModel):
    """A stored file. `state`: `loading` (a contact's media being fetched), `ready`, or
    `failed` (`error` says why). `url` serves it; `download_url` serves it for Save as;
    `thumbnail_url` a preview of photos and still stickers (a JPEG, or a WebP with
    transparency; at most 320 px a side, 640 for a JPEG kept at a reduced scale; None when
    there is none), `width` and `height` the image's size in pixels."""

    model_config = ConfigDict(extra="forbid")

    id: int
    direction: str
    state: str
    kind: str
    filename: str
    mime_type: str
    size: int | None
    sha256: str | None
    voice: bool
    animated: bool
    error: str | None
    url: str
    download_url: str
    thumbnail_url: str | None
    width: int | None
    height: int | None
    created_at: datetime

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentOut:
        url = f"/api/v1/attachments/{attachment.id}"
        return cls(
            id=attachment.id,
            direction=attachment.direction,
            state=attachment.state,
            kind=attachment.kind,
            filename=attachment.filename,
            mime_type=attachment.mime_type,
            size=attachment.size,
            sha256=attachment.sha256,
            voice=attachment.voice,
            animated=attachment.animated,
            error=attachment.error,
            url=url,
            download_url=url + "?download=1",
            thumbnail_url=url + "/thumbnail" if attachment.thumbnail_key else None,
            width=attachment.width,
            height=attachment.height,
            created_at=attachment.created_at,
        )


def summary(attachment: Attachment) -> dict[str, Any]:
    """What a message's `content.attachment` holds: enough to draw the bubble without a
    second request (the file itself is at `/api/v1/attachments/{id}`, its preview, when
    `thumbnail` is true, at `/api/v1/attachments/{id}/thumbnail`)."""
    return {
        "id": attachment.id,
        "state": attachment.state,
        "kind": attachment.kind,
        "filename": attachment.filename,
        "mime_type": attachment.mime_type,
        "size": attachment.size,
        "voice": attachment.voice,
        "animated": attachment.animated,
        "error": attachment.error,
        "thumbnail": attachment.thumbnail_key is not None,
        "width": attachment.width,
        "height": attachment.height,
    }
