"""Attachments: files agents send and files contacts send, kept in Parley's storage."""
