"""Field types shared by the API schemas: the limits every database we run on can hold."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

# Ids are 32-bit integers in PostgreSQL: a larger number can name nothing.
MAX_ID = 2**31 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no person types one: refuse rather than strip.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
