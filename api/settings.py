"""The edge where settings are read: every ``INFLUENCE_*`` environment variable, once.

``Settings`` is ``core.settings.Settings`` filled from the environment; the API's
``create_app`` and the CLI's entry read it and pass it down as a value.
"""
from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from core.settings import Settings as PlainSettings


class Settings(BaseSettings, PlainSettings):
    """``core.settings.Settings`` read from the ``INFLUENCE_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="INFLUENCE_", env_file=None, extra="ignore")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings read from the environment (cached; tests clear the cache)."""
    return Settings()
