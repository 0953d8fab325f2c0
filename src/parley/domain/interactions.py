"""The interaction state machine."""

from __future__ import annotations

from typing import Final, Literal

State = Literal["queued", "offered", "active", "parked", "done"]
STATES: Final = ("queued", "offered", "active", "parked", "done")
HELD: Final = frozenset({"offered", "active"})  # states in which an agent holds the interaction

_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "queued": frozenset({"offered", "active", "parked", "done"}),
    "offered": frozenset({"active", "queued", "parked", "done"}),
    "active": frozenset({"parked", "queued", "done"}),
    "parked": frozenset({"queued", "active", "done"}),
    "done": frozenset(),
}


class TransitionError(ValueError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"an interaction that is {current} cannot become {target}")
        self.current = current
        self.target = target


def can_transition(current: str, target: str) -> bool:
    return target in _ALLOWED.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise TransitionError(current, target)
