"""The message: where it is stored (`models`), shown (`schemas`, `transcript`, `previews`), sent
(`content`, `outbound`) and updated (`statuses`, `reactions`). Ingest, the outbox and the agent's
actions all go through here; this package imports none of them."""
