"""API shapes of the Standard Response Library, and of its export (JSON or YAML)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from parley.fields import Id, Text


def _stripped(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Name = Annotated[Text, AfterValidator(_stripped)]
# Field codes are filled before sending, so the stored text may be as long as a WhatsApp text.
ResponseText = Annotated[Text, Field(max_length=4096)]
ParamKey = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.]+$")]


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(max_length=200)
    parent_id: Id | None = None
    position: int = Field(default=0, ge=0, le=1_000_000)


class CategoryOut(BaseModel):
    id: int
    name: str
    parent_id: int | None
    position: int


class CategoryList(BaseModel):
    items: list[CategoryOut]


class ParameterBinding(BaseModel):
    """How the desktop fills one template parameter: its label and default (field codes allowed)."""

    model_config = ConfigDict(extra="forbid")

    label: Annotated[Text, Field(max_length=100)] = ""
    value: Annotated[Text, Field(max_length=1024)] = ""


class TemplateBinding(BaseModel):
    """The WhatsApp template a notification sends; `parameters` keyed as the template's
    parameters are (`1`, `first_name`, `header.1`, `button.0`, …)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")
    language: str = Field(
        min_length=2, max_length=20, pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]+)*$"
    )
    parameters: dict[ParamKey, ParameterBinding] = Field(default_factory=dict, max_length=50)


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(max_length=200)
    category_id: Id
    text: ResponseText = ""
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)
    template: TemplateBinding | None = None


class ResponseOut(BaseModel):
    id: int
    name: str
    category_id: int
    text: str
    attachment_ids: list[int]
    template: TemplateBinding | None
    updated_at: datetime


class ResponseList(BaseModel):
    items: list[ResponseOut]


class FilledParameter(BaseModel):
    key: str
    label: str
    value: str
    example: str | None = None


class FilledTemplate(BaseModel):
    name: str
    language: str
    approved: bool
    parameters: list[FilledParameter]


class FilledResponse(BaseModel):
    """A response ready to insert: field codes filled for one interaction and agent."""

    id: int
    name: str
    text: str
    missing: list[str]
    unknown: list[str]
    attachment_ids: list[int]
    template: FilledTemplate | None = None


# -- the library as a file a team keeps in git ---------------------------------------------


class ResponseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(max_length=200)
    text: ResponseText = ""
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)
    template: TemplateBinding | None = None


class CategoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(max_length=200)
    responses: list[ResponseFile] = Field(default_factory=list, max_length=10_000)
    categories: list[CategoryFile] = Field(default_factory=list, max_length=1000)


class LibraryFile(BaseModel):
    """`{"version": 1, "categories": [{name, responses, categories}]}`: the whole tree."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(default=1, ge=1, le=1)
    categories: list[CategoryFile] = Field(default_factory=list, max_length=1000)


class ImportOut(BaseModel):
    categories_created: int
    responses_created: int
    responses_updated: int
