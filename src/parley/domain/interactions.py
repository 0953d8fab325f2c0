"""The interaction state machine."""

from __future__ import annotations

from typing import Final, Literal

State = Literal["queued", "offered", "active", "parked", "done"]
STATES: Final = ("queued", "offered", "active", "parked", "done")
HELD: Final = frozenset({"offered", "active"})  # states in which an agent holds the interaction

# queued: waits for an agent; offered/active: an agent holds it; parked: in a workbin; done.
# "offered" is reached from anywhere but done: a supervisor moves work to another agent, who is
# offered it (an offer moved from one agent to another stays offered).
_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "queued": frozenset({"offered", "active", "parked", "done"}),
    "offered": frozenset({"offered", "active", "queued", "parked", "done"}),
    "active": frozenset({"offered", "parked", "queued", "done"}),
    "parked": frozenset({"offered", "queued", "active", "done"}),
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
