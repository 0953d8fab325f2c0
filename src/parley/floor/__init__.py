"""The supervisors' floor: the live view's snapshot, acting on agents and interactions, the
service reports, and the live gauges at /metrics."""
