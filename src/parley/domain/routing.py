"""Who gets the next interaction: Ready agents with free capacity, longest idle first."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AgentSlot:
    agent_id: int
    idle_since: datetime
    load: int
    capacity: int


def plan_assignments(
    queued: list[int],
    agents: list[AgentSlot],
    now: datetime,
    declined: Mapping[int, AbstractSet[int]] | None = None,
    preferred: Mapping[int, int] | None = None,
    missed: Mapping[int, AbstractSet[int]] | None = None,
) -> list[tuple[int, int]]:
    """Pair queued interactions (oldest first) with agents; each pick makes the agent busy now.

    Returns (interaction_id, agent_id) pairs. An agent is picked again only after every other
    agent with free capacity has been picked since, so work spreads evenly. `declined` names,
    per interaction, the agents who just rejected it: it goes to someone else, or waits.
    `missed` names the agents who just let its offer expire: it goes to someone else first, but
    back to them when nobody else has room (a Ready agent with a free slot never watches a
    customer wait; one who is away is set Not Ready by the missed-offer count). `preferred`
    names, per interaction, the agent it goes to first when that agent is Ready with a free slot
    (the agent who parked it in a workbin); otherwise the usual choice applies.
    """
    declined = declined or {}
    preferred = preferred or {}
    missed = missed or {}
    # (idle since, pick order, agent, free slots): agents picked "now" queue up in pick order.
    heap = [
        (a.idle_since, 0, a.agent_id, a.capacity - a.load) for a in agents if a.load < a.capacity
    ]
    heapq.heapify(heap)
    plan: list[tuple[int, int]] = []
    for order, interaction_id in enumerate(queued, start=1):
        not_them = declined.get(interaction_id, frozenset())
        rather_not = not_them | missed.get(interaction_id, frozenset())
        entry = _take(heap, preferred.get(interaction_id), rather_not)
        if entry is None and rather_not != not_them:
            entry = _take(heap, None, not_them)
        if entry is None:
            continue
        _idle, _order, agent_id, free = entry
        plan.append((interaction_id, agent_id))
        if free > 1:
            heapq.heappush(heap, (now, order, agent_id, free - 1))
    return plan


def _take(
    heap: list[tuple[datetime, int, int, int]], favourite: int | None, not_them: AbstractSet[int]
) -> tuple[datetime, int, int, int] | None:
    """The favourite agent's slot if they have one, else the longest idle agent's not in
    `not_them`; removed from the heap."""
    if favourite is not None and favourite not in not_them:
        for index, entry in enumerate(heap):
            if entry[2] == favourite:
                heap[index] = heap[-1]
                heap.pop()
                heapq.heapify(heap)
                return entry
    skipped = []
    while heap and heap[0][2] in not_them:
        skipped.append(heapq.heappop(heap))
    taken = heapq.heappop(heap) if heap else None
    for entry in skipped:
        heapq.heappush(heap, entry)
    return taken
