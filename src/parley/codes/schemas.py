"""Code list shapes of the public API (dispositions and Not Ready reasons alike)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from parley.fields import MAX_ID, Text

Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), *Text.__metadata__
]


class CodeOut(BaseModel):
    id: int
    label: str
    position: int = Field(description="Order in the list, from 0 (the desktop lists them so).")
    active: bool = Field(description="Offered to agents; an inactive code stays in past records.")
    used: bool = Field(description="Some record names it: it can be deactivated, not deleted.")


class CodeList(BaseModel):
    items: list[CodeOut]


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Label
    active: bool = True


class CodePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Label | None = None
    active: bool | None = None


class CodeOrder(BaseModel):
    """Every id of the list once, in the new order."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]] = Field(max_length=1000)
