"""The hub hands each event to the sockets of its users and of its roles, each once."""

from __future__ import annotations

import orjson

from parley.realtime.bus import Envelope
from parley.realtime.hub import Connection, Hub


async def _ignore(_frame: str) -> None:
    return None


def _socket(user_id: int, role: str) -> Connection:
    return Connection(user_id=user_id, role=role, send=_ignore)


def _received(connection: Connection) -> list[str]:
    frames = []
    while not connection.queue.empty():
        frame = connection.queue.get_nowait()
        assert frame is not None
        frames.append(orjson.loads(frame)["type"])
    return frames


async def test_an_event_reaches_its_agent_and_every_supervisor_once() -> None:
    hub = Hub()
    agent, other_agent = _socket(1, "agent"), _socket(2, "agent")
    supervisor, second_tab, admin = (
        _socket(3, "supervisor"),
        _socket(3, "supervisor"),
        _socket(4, "admin"),
    )
    for connection in (agent, other_agent, supervisor, second_tab, admin):
        hub.add(connection)
    payload = b'{"type":"message.created"}'
    await hub.deliver(Envelope(frozenset({1, 3}), frozenset({"supervisor"}), payload=payload))
    assert _received(agent) == ["message.created"]
    assert _received(supervisor) == ["message.created"], "named and in the role: still once"
    assert _received(second_tab) == ["message.created"]
    assert _received(other_agent) == [] and _received(admin) == []


async def test_a_closed_socket_gets_nothing_more_and_is_forgotten() -> None:
    hub = Hub()
    supervisor, agent = _socket(3, "supervisor"), _socket(1, "agent")
    hub.add(supervisor)
    hub.add(agent)
    hub.remove(supervisor)
    await hub.deliver(Envelope(frozenset({1}), frozenset({"supervisor"}), payload=b'{"type":"x"}'))
    assert supervisor.queue.get_nowait() is None, "its writer was told to stop"
    assert supervisor.queue.empty()
    assert _received(agent) == ["x"]
    assert hub.connection_count == 1 and hub.connected_users() == {1}
