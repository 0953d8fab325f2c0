from tests.api.conftest import api, api_with, settings

__all__ = ["api", "api_with", "settings"]
