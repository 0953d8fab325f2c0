"""API shapes of message templates and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from parley.domain.templates import template_parameters
from parley.fields import Text
from parley.templates.models import MessageTemplate


class TemplateParameterOut(BaseModel):
    key: str
    where: str
    name: str
    example: str | None


class TemplateOut(BaseModel):
    id: int
    name: str
    language: str
    status: str
    category: str
    parameter_format: str
    components: list[dict[str, Any]]
    parameters: list[TemplateParameterOut]
    reason: str | None
    synced_at: datetime

    @classmethod
    def of(cls, row: MessageTemplate) -> TemplateOut:
        as_listed = as_meta(row)
        return cls(
            id=row.id,
            name=row.name,
            language=row.language,
            status=row.status,
            category=row.category,
            parameter_format=row.parameter_format,
            components=list(row.components),
            parameters=[
                TemplateParameterOut(key=p.key, where=p.where, name=p.name, example=p.example)
                for p in template_parameters(as_listed)
            ],
            reason=row.reason,
            synced_at=row.synced_at,
        )


def as_meta(row: MessageTemplate) -> dict[str, Any]:
    """The template in Meta's listing shape, as the domain rules read it."""
    return {
        "name": row.name,
        "language": row.language,
        "status": row.status,
        "category": row.category,
        "parameter_format": row.parameter_format,
        "components": row.components,
    }


class TemplateList(BaseModel):
    items: list[TemplateOut]


class SyncOut(BaseModel):
    synced: int
    approved: int


class NotificationIn(BaseModel):
    """One template message: `parameters` keyed as `GET /templates` lists them."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=2, max_length=20)
    parameters: dict[
        Annotated[str, Field(min_length=1, max_length=64)], Annotated[Text, Field(max_length=1024)]
    ] = Field(default_factory=dict, max_length=50)
    client_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$"
    )
