"""Log lines are JSON objects with the event's own fields and nothing meant for a terminal."""

from __future__ import annotations

import logging

import orjson

from parley.logs import JsonFormatter, configure_logging


def test_a_log_line_carries_the_event_ids_but_not_colour_codes() -> None:
    record = logging.LogRecord("parley.ingest", logging.INFO, __file__, 1, "ingest.done", (), None)
    record.wamid = "wamid.X1"
    record.color_message = "\x1b[36mingest.done\x1b[0m"
    line = orjson.loads(JsonFormatter().format(record))
    assert line["event"] == "ingest.done" and line["wamid"] == "wamid.X1"
    assert "color_message" not in line


def test_info_keeps_our_events_but_not_a_line_per_http_request() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("httpx").level)
    try:
        configure_logging("INFO")
        assert logging.getLogger("parley.media").isEnabledFor(logging.INFO)
        assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)  # two per media fetch
        assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("httpx").setLevel(saved[2])
