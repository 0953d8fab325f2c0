"""Pure rules of the contact center: no SQLAlchemy, FastAPI or httpx here."""
