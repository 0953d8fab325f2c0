"""What Parley sends through the Cloud API: one typed content per kind of outbound message.

Every agent send (a reply, a standard response's attachments, a notification, a reaction) is one
of these, stored with the message and its outbox row and dispatched by the sender on its type,
never on a string. `graph_body` builds the `<type>` object of `POST /{phone-number-id}/messages`
(WHATSAPP.md §4 to §6, Meta's "Send messages" pages).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Json = dict[str, Any]
MediaType = Literal["image", "audio", "video", "document", "sticker"]


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextContent(_Content):
    """A text message: `body` up to 4,096 characters; links get a preview."""

    type: Literal["text"] = "text"
    body: str
    preview_url: bool = True


class MediaContent(_Content):
    """A file: Parley's `attachment_id` until the sender has uploaded it and knows Meta's
    `media_id`; or a public `link`. `caption` (≤ 1,024 characters) goes with images, videos and
    documents; `filename` with documents."""

    type: MediaType
    attachment_id: int | None = None
    media_id: str | None = None
    link: str | None = None
    caption: str | None = None
    filename: str | None = None


class TemplateContent(_Content):
    """An approved template: `name`, `language` (e.g. `pt_BR`) and Meta's send `components`
    (header, body and button parameters, WHATSAPP.md §6.3). The only content allowed outside the
    24-hour customer service window."""

    type: Literal["template"] = "template"
    name: str
    language: str
    components: list[Json] = Field(default_factory=list)


class ReactionContent(_Content):
    """A reaction to the message `message_id` (its wamid); an empty `emoji` removes it."""

    type: Literal["reaction"] = "reaction"
    message_id: str
    emoji: str


OutboundContent = Annotated[
    TextContent | MediaContent | TemplateContent | ReactionContent, Field(discriminator="type")
]
_ADAPTER: TypeAdapter[OutboundContent] = TypeAdapter(OutboundContent)


def load_content(data: Json) -> OutboundContent:
    """The content stored in an outbox row (`content.model_dump()`), typed again."""
    return _ADAPTER.validate_python(data)


def allowed_outside_window(content: OutboundContent) -> bool:
    """Meta refuses everything but templates once the customer service window has closed."""
    return isinstance(content, TemplateContent)


def graph_body(content: OutboundContent) -> tuple[str, Json]:
    """The message `type` and its `<type>` object for the Cloud API.

    Raises ValueError for a media content with neither `media_id` nor `link` (the sender uploads
    the attachment first).
    """
    match content:
        case TextContent(body=body, preview_url=preview):
            return "text", {"body": body, "preview_url": preview}
        case ReactionContent(message_id=wamid, emoji=emoji):
            return "reaction", {"message_id": wamid, "emoji": emoji}
        case TemplateContent(name=name, language=language, components=components):
            template: Json = {"name": name, "language": {"code": language}}
            if components:
                template["components"] = components
            return "template", template
        case MediaContent():
            return content.type, _media_body(content)
    raise AssertionError(f"unhandled content {content!r}")


def _media_body(content: MediaContent) -> Json:
    if content.media_id:
        body: Json = {"id": content.media_id}
    elif content.link:
        body = {"link": content.link}
    else:
        raise ValueError("media needs a media id (upload it first) or a link")
    if content.caption and content.type in ("image", "video", "document"):
        body["caption"] = content.caption
    if content.filename and content.type == "document":
        body["filename"] = content.filename
    return body
