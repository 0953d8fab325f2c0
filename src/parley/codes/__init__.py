"""Dispositions and Not Ready reasons: the code lists admins keep and agents pick from."""
