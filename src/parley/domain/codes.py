"""Configured code lists (dispositions, Not Ready reasons): matching what an agent picked."""

from __future__ import annotations

from typing import Literal, get_args

CodeKind = Literal["disposition", "not_ready_reason"]
CODE_KINDS: tuple[CodeKind, ...] = get_args(CodeKind)


def match_code(value: str, allowed: tuple[str, ...]) -> str | None:
    """The configured spelling of `value` (case and surrounding spaces ignored), or None."""
    wanted = value.strip().casefold()
    return next((code for code in allowed if code.casefold() == wanted), None)
