"""Log lines are JSON objects with the event's own fields and nothing meant for a terminal."""

from __future__ import annotations

import logging

import orjson

from parley.logs import JsonFormatter


def test_a_log_line_carries_the_event_ids_but_not_colour_codes() -> None:
    record = logging.LogRecord("parley.ingest", logging.INFO, __file__, 1, "ingest.done", (), None)
    record.wamid = "wamid.X1"
    record.color_message = "\x1b[36mingest.done\x1b[0m"
    line = orjson.loads(JsonFormatter().format(record))
    assert line["event"] == "ingest.done" and line["wamid"] == "wamid.X1"
    assert "color_message" not in line
