"""`parse_webhook` on hostile input: only `PayloadError`, never a lost message.

Arbitrary JSON, arbitrary entries inside a valid envelope, and real fixtures with one node
replaced or removed. A mutation inside a message object never loses that message.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.whatsapp.content import MESSAGE_TYPES
from parley.whatsapp.payloads import PayloadError, WebhookBatch, parse_webhook
from tests.fuzz import examples

# Pure functions: no test here opens a file or a connection. Their many examples set off the
# garbage collector, which finalises what earlier tests left unreachable: an unclosed
# connection's ResourceWarning would be reported against these tests (as in test_heap.py).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
FIXTURES = Path(__file__).parents[2] / "fixtures" / "whatsapp"
# Fixtures Parley reads (a body of another product is refused whole, before any mutation).
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json") if p.stem != "not_whatsapp_object")
KEYS = st.sampled_from(
    ["object", "entry", "changes", "field", "value", "messages", "statuses", "contacts", "id",
     "from", "type", "timestamp", "text", "body", "errors", "code", "time", "wa_id", "status",
     "interactive", "context", "emoji", "metadata", "system", "unsupported"]
) | st.text(max_size=8)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["1767225600", "", "whatsapp_business_account", "messages", "unsupported"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=30,
)
FUZZ = settings(
    max_examples=examples(400),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def parse_or_refuse(payload: object) -> WebhookBatch | None:
    try:
        batch = parse_webhook(payload)
    except PayloadError:
        return None
    check_records(batch)
    return batch


def check_records(batch: WebhookBatch) -> None:
    for message in batch.messages:
        assert message.wamid and message.type in MESSAGE_TYPES
        assert isinstance(message.timestamp, datetime) and message.timestamp.tzinfo is not None
        assert isinstance(message.content, dict) and isinstance(message.raw, dict)
        json.dumps(message.content)
    for status in batch.statuses:
        assert status.wamid and status.timestamp.tzinfo is not None
    assert all(isinstance(note, str) for note in batch.ignored)


@FUZZ
@given(JSON)
def test_arbitrary_json_only_raises_payload_error(payload: object) -> None:
    parse_or_refuse(payload)


@FUZZ
@given(st.lists(JSON, max_size=4))
def test_any_entries_inside_a_valid_envelope_never_raise(entries: list[Any]) -> None:
    assert parse_or_refuse({"object": "whatsapp_business_account", "entry": entries}) is not None


@FUZZ
@given(st.lists(st.dictionaries(KEYS, JSON, max_size=6), max_size=4), JSON, JSON)
def test_any_message_objects_are_all_kept(
    messages: list[dict[str, Any]], contacts: object, statuses: object
) -> None:
    value = {"messages": messages, "contacts": contacts, "statuses": statuses}
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    batch = parse_or_refuse(payload)
    assert batch is not None and len(batch.messages) == len(messages)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path below `node`, e.g. ("entry", 0, "changes", 0, "field")."""
    found = [prefix] if prefix else []
    if isinstance(node, dict | list):
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            found.extend(paths(child, (*prefix, key)))
    return found


def mutate(payload: Any, path: tuple[Any, ...], replacement: object, delete: bool) -> None:
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement


def inside_a_message(path: tuple[Any, ...]) -> bool:
    return len(path) > 7 and path[5] == "messages" and path[0] == "entry"


@FUZZ
@given(st.sampled_from(NAMES), st.data(), JSON, st.booleans())
def test_mutated_fixtures(
    name: str, data: st.DataObject, replacement: object, delete: bool
) -> None:
    original = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    before = parse_webhook(original)
    path = data.draw(st.sampled_from(paths(original)))
    payload = copy.deepcopy(original)
    mutate(payload, path, replacement, delete)
    batch = parse_or_refuse(payload)
    if inside_a_message(path):
        assert batch is not None and len(batch.messages) == len(before.messages)
