"""Users as admins manage them: add, change, reset a password, deactivate and reactivate."""
