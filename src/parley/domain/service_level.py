"""Service figures of a contact center, computed from interactions' state histories.

The unit is the interaction: one customer conversation as the contact center received it.
Definitions (docs/floor.md repeats them for readers of the reports):

- **offered**: an inbound interaction (the contact wrote first; `origin == "inbound"`), counted
  once, in the interval of its `created_at`. Interactions an agent started (Create new chat) are
  never offered: nobody waited for them.
- **answered**: an offered interaction that an agent joined: its first transition to `active`
  (Accept, auto-accept, or Open from a workbin). Its **wait** is `answered_at - created_at`,
  whatever happened in between (offers that expired, a supervisor's move, a workbin).
- **abandoned**: an offered interaction that reached `done` before any agent joined it. Parley
  closes a queued or parked session when neither side wrote for `PARLEY_SESSION_TIMEOUT_SECONDS`
  (WhatsApp has no hang-up: the contact stopping writing *is* the abandon, and the timeout is
  when Parley concludes it). Its wait is `done_at - created_at`.
- **waiting**: offered, neither answered nor abandoned yet. Always
  `offered == answered + abandoned + waiting` for one set of interactions.
- **answered within the threshold**: answered with `wait <= threshold` (a wait of exactly the
  threshold is within it). **Service level** = answered within / (answered + abandoned): the
  share of customers whose outcome is known who were answered in time; None with no outcome yet.
- **average and p90 wait**: over answered interactions only (abandoned waits say how long
  Parley kept the session, not how long a customer was served). p90 is the nearest-rank
  percentile: the smallest wait at least 90 % of answered waits are at or below.
- **handle time**: the seconds an interaction spent `active` with an agent, summed over every
  stretch: parked time in a workbin, time back in the queue and time being offered do not count.
  **Average handle time** is over interactions that reached `done` in the period with some
  active time, inbound or outbound alike (handle time is known only once the work is over).

Every figure is a pure function of `InteractionHistory` values, so a fixed event history gives
fixed figures (tests/unit/domain/test_service_level.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_THRESHOLD_SECONDS = 60
INTERVAL_MINUTES = 15


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of an interaction's state history."""

    at: datetime
    to_state: str
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class InteractionHistory:
    """What the figures need of one interaction: its origin, when it was created, its
    transitions oldest first (the first state, `queued` for inbound, is implied by `origin`)."""

    id: int
    origin: str
    created_at: datetime
    transitions: tuple[Transition, ...] = ()

    @property
    def first_state(self) -> str:
        return "queued" if self.origin == "inbound" else "active"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one interaction went, read from its history."""

    created_at: datetime
    offered: bool
    answered_at: datetime | None
    answered_by: int | None
    abandoned_at: datetime | None
    done_at: datetime | None
    handle_seconds: float

    @property
    def wait_seconds(self) -> float | None:
        """Seconds from created to answered (None while not answered, or not offered)."""
        if self.answered_at is None:
            return None
        return max(0.0, (self.answered_at - self.created_at).total_seconds())


def outcome(history: InteractionHistory, now: datetime | None = None) -> Outcome:
    """Read one interaction's history. `now` ends an active stretch still running (handle time
    so far); without it only finished stretches count."""
    offered = history.origin == "inbound"
    state = history.first_state
    since = history.created_at
    answered_at: datetime | None = None
    answered_by: int | None = None
    done_at: datetime | None = None
    handle = 0.0
    for step in sorted(history.transitions, key=lambda t: t.at):
        if state == "active":
            handle += max(0.0, (step.at - since).total_seconds())
        if offered and step.to_state == "active" and answered_at is None:
            answered_at, answered_by = step.at, step.agent_id
        if step.to_state == "done" and done_at is None:
            done_at = step.at
        state, since = step.to_state, step.at
    if state == "active" and now is not None:
        handle += max(0.0, (now - since).total_seconds())
    return Outcome(
        created_at=history.created_at,
        offered=offered,
        answered_at=answered_at,
        answered_by=answered_by,
        abandoned_at=done_at if offered and answered_at is None else None,
        done_at=done_at,
        handle_seconds=handle,
    )


@dataclass(frozen=True, slots=True)
class ServiceFigures:
    """The figures of one period. Seconds are floats; None where nothing was measured."""

    offered: int
    answered: int
    abandoned: int
    waiting: int
    answered_within: int
    service_level: float | None  # 0..1
    average_wait_seconds: float | None
    p90_wait_seconds: float | None
    handled: int
    average_handle_seconds: float | None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or
    below it (`share` in (0, 1]); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(
    histories: Iterable[InteractionHistory],
    *,
    start: datetime,
    end: datetime,
    threshold_seconds: int = DEFAULT_THRESHOLD_SECONDS,
) -> ServiceFigures:
    """The figures of [start, end): interactions offered in it (by `created_at`), and handle
    time of interactions done in it."""
    return figures_of(
        [outcome(h) for h in histories], start=start, end=end, threshold_seconds=threshold_seconds
    )


def figures_of(
    outcomes: Iterable[Outcome],
    *,
    start: datetime,
    end: datetime,
    threshold_seconds: int = DEFAULT_THRESHOLD_SECONDS,
) -> ServiceFigures:
    """`figures` from outcomes already read (each history is read once for many periods)."""
    waits: list[float] = []
    handles: list[float] = []
    offered = abandoned = waiting = within = 0
    for result in outcomes:
        if result.offered and start <= result.created_at < end:
            offered += 1
            wait = result.wait_seconds
            if wait is not None:
                waits.append(wait)
                within += wait <= threshold_seconds
            elif result.abandoned_at is not None:
                abandoned += 1
            else:
                waiting += 1
        done = result.done_at
        if done is not None and start <= done < end and result.handle_seconds > 0:
            handles.append(result.handle_seconds)
    known = len(waits) + abandoned
    return ServiceFigures(
        offered=offered,
        answered=len(waits),
        abandoned=abandoned,
        waiting=waiting,
        answered_within=within,
        service_level=within / known if known else None,
        average_wait_seconds=_mean(waits),
        p90_wait_seconds=percentile(waits, 0.9),
        handled=len(handles),
        average_handle_seconds=_mean(handles),
    )


@dataclass(frozen=True, slots=True)
class Interval:
    """One slice of a period with its figures (volume is `figures.offered`)."""

    start: datetime
    end: datetime
    figures: ServiceFigures


def interval_starts(start: datetime, end: datetime, minutes: int) -> list[datetime]:
    """The starts of the `minutes`-long slices that cover [start, end), from `start`."""
    if minutes <= 0:
        raise ValueError("an interval lasts at least a minute")
    step = timedelta(minutes=minutes)
    starts: list[datetime] = []
    at = start
    while at < end:
        starts.append(at)
        at += step
    return starts


def intervals(
    histories: Iterable[InteractionHistory],
    *,
    start: datetime,
    end: datetime,
    minutes: int = INTERVAL_MINUTES,
    threshold_seconds: int = DEFAULT_THRESHOLD_SECONDS,
) -> list[Interval]:
    """The figures of each `minutes`-long slice of [start, end) (the last may be shorter)."""
    return intervals_of(
        [outcome(h) for h in histories],
        start=start,
        end=end,
        minutes=minutes,
        threshold_seconds=threshold_seconds,
    )


def intervals_of(
    outcomes: Iterable[Outcome],
    *,
    start: datetime,
    end: datetime,
    minutes: int = INTERVAL_MINUTES,
    threshold_seconds: int = DEFAULT_THRESHOLD_SECONDS,
) -> list[Interval]:
    """`intervals` from outcomes already read."""
    step = timedelta(minutes=minutes)
    starts = interval_starts(start, end, minutes)
    buckets: list[list[Outcome]] = [[] for _ in starts]
    for result in outcomes:
        slots = {
            int((at - start) / step)
            for at in (result.created_at, result.done_at)
            if at is not None and start <= at < end
        }
        for index in slots:
            buckets[index].append(result)
    return [
        Interval(
            start=at,
            end=min(at + step, end),
            figures=figures_of(
                buckets[i], start=at, end=min(at + step, end), threshold_seconds=threshold_seconds
            ),
        )
        for i, at in enumerate(starts)
    ]


def current_wait_seconds(
    now: datetime, pending_since: datetime | None, queued_at: datetime | None
) -> float:
    """How long a waiting customer has waited, as the floor shows it: since their oldest
    unanswered message, else since the interaction entered the queue."""
    since = pending_since or queued_at or now
    return max(0.0, (now - since).total_seconds())


@dataclass(frozen=True, slots=True)
class AgentFigures:
    """One agent's share of a period: interactions they answered (offered in the period, first
    joined by them), interactions they marked done in it, and the active seconds they spent on
    interactions done in it (each active stretch credited to the agent who held it)."""

    agent_id: int
    answered: int = 0
    answered_within: int = 0
    done: int = 0
    handle_seconds: float = 0.0

    @property
    def average_handle_seconds(self) -> float | None:
        return self.handle_seconds / self.done if self.done else None


def agent_figures(
    histories: Iterable[InteractionHistory],
    *,
    start: datetime,
    end: datetime,
    threshold_seconds: int = DEFAULT_THRESHOLD_SECONDS,
) -> dict[int, AgentFigures]:
    """Per agent id, as `AgentFigures` defines it."""
    found: dict[int, dict[str, float]] = {}

    def row(agent_id: int) -> dict[str, float]:
        return found.setdefault(
            agent_id, {"answered": 0, "answered_within": 0, "done": 0, "handle_seconds": 0.0}
        )

    for history in histories:
        result = outcome(history)
        wait = result.wait_seconds
        if (
            result.answered_by is not None
            and wait is not None
            and start <= history.created_at < end
        ):
            row(result.answered_by)["answered"] += 1
            row(result.answered_by)["answered_within"] += wait <= threshold_seconds
        if result.done_at is None or not start <= result.done_at < end:
            continue
        for agent_id, seconds in _active_stretches(history):
            row(agent_id)["handle_seconds"] += seconds
        closer = next((t.agent_id for t in history.transitions if t.to_state == "done"), None)
        if closer is not None:
            row(closer)["done"] += 1
    return {
        agent_id: AgentFigures(
            agent_id=agent_id,
            answered=int(v["answered"]),
            answered_within=int(v["answered_within"]),
            done=int(v["done"]),
            handle_seconds=v["handle_seconds"],
        )
        for agent_id, v in found.items()
    }


def _active_stretches(history: InteractionHistory) -> list[tuple[int, float]]:
    stretches: list[tuple[int, float]] = []
    holder: int | None = None
    since: datetime | None = None
    for step in sorted(history.transitions, key=lambda t: t.at):
        if since is not None and holder is not None:
            stretches.append((holder, max(0.0, (step.at - since).total_seconds())))
        if step.to_state == "active":
            holder, since = step.agent_id, step.at
        else:
            holder, since = None, None
    return stretches
