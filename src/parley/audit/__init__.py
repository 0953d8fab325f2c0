"""The audit log: who did what to whom, and when, for every admin and supervisor action."""
