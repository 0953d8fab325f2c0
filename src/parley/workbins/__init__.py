"""Workbins: parking interactions, opening them again, and the lifecycle around them."""
