"""Settings from the environment (prefix ``CONCORD_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

POOL_SIZE, MAX_OVERFLOW, POOL_TIMEOUT = 10, 10, 10.0
"""Per process on PostgreSQL: 4 workers x (10 + 10) = 80 connections stay under a default server's 100."""


class Settings(BaseSettings):
    """Every field from ``CONCORD_<NAME>``, e.g. ``CONCORD_DATABASE_URL``.

    ``db_pool_size``, ``db_max_overflow`` and ``db_pool_timeout`` size each worker process's PostgreSQL pool (SQLite
    ignores them): a worker holds up to pool size + overflow connections, so keep
    ``workers x (CONCORD_DB_POOL_SIZE + CONCORD_DB_MAX_OVERFLOW)`` below the server's ``max_connections`` (100 by
    default, a few of them reserved) less what other clients use; the defaults, 10 + 10, leave room for
    ``concord serve --workers 4`` (80). A request that finds every connection taken waits ``db_pool_timeout``
    seconds, then gets a 503 with Retry-After.

    ``power_memory_mb`` bounds one exact power count (estimated before it starts; past it, a leaner exact method or
    a Monte Carlo estimate that says so); ``power_background_max`` caps the exact counts queued or running in the
    background; ``power_cache_reports`` bounds the reports kept (least recently used forgotten first).
    """

    model_config = SettingsConfigDict(env_prefix="CONCORD_")

    database_url: str = "sqlite:///concord.db"
    key_dir: Path = Path("var/keys")
    log_host: str = "concord.localhost"
    secret_key: str = ""
    max_body_bytes: int = 1_000_000
    allow_public_coalitions: bool = True
    secure_cookies: bool = False
    db_pool_size: int = Field(default=POOL_SIZE, ge=1, le=1000)
    db_max_overflow: int = Field(default=MAX_OVERFLOW, ge=0, le=1000)
    db_pool_timeout: float = Field(default=POOL_TIMEOUT, gt=0, le=300)
    power_memory_mb: int = Field(default=512, ge=1, le=1 << 20)
    power_background_max: int = Field(default=2, ge=0, le=64)
    power_cache_reports: int = Field(default=128, ge=1, le=100_000)

    def pool_options(self) -> dict[str, float]:
        """The pool keywords of ``app.db.make_engine``."""
        return {"pool_size": self.db_pool_size, "max_overflow": self.db_max_overflow,
                "pool_timeout": self.db_pool_timeout}


@lru_cache
def get_settings() -> Settings:
    return Settings()
