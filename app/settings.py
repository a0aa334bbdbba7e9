"""Settings from the environment (prefix ``CONCORD_``)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

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

    On PostgreSQL, ``migration_database_url`` connects as the role that owns the tables and runs the migrations, and
    ``database_url`` as the application's role, which may only read and append to the log (``concord db roles``).

    The server's limits (README, "Security model"): a request's head must arrive within ``header_timeout`` seconds and
    its body within ``body_timeout`` (else 408), an idle connection closes after ``keep_alive`` seconds, and past
    ``max_concurrency`` open connections or requests a process answers 503. A power analysis a request asks for runs
    in one of ``compute_processes`` worker processes (0: threads in the server's own process) and gets
    ``compute_seconds`` (else 503 with Retry-After, and it goes on in the background); without an account one
    address may ask ``what_ifs_per_address`` what-ifs in 5 minutes.

    ``power_memory_mb`` bounds one exact power count (estimated before it starts; past it, a leaner exact method or
    a Monte Carlo estimate that says so); ``power_background_max`` caps the exact counts queued or running in the
    background; ``power_cache_reports`` bounds the reports kept (least recently used forgotten first).
    """

    model_config = SettingsConfigDict(env_prefix="CONCORD_")

    database_url: str = "sqlite:///concord.db"
    migration_database_url: str = ""
    key_dir: Path = Path("var/keys")
    log_host: str = "concord.localhost"
    secret_key: str = ""
    max_body_bytes: int = 1_000_000
    allow_public_coalitions: bool = True
    secure_cookies: bool = False
    db_pool_size: int = Field(default=POOL_SIZE, ge=1, le=1000)
    db_max_overflow: int = Field(default=MAX_OVERFLOW, ge=0, le=1000)
    db_pool_timeout: float = Field(default=POOL_TIMEOUT, gt=0, le=300)
    header_timeout: float = Field(default=10, gt=0, le=600)
    body_timeout: float = Field(default=30, gt=0, le=3600)
    keep_alive: float = Field(default=5, gt=0, le=600)
    max_concurrency: int = Field(default=500, ge=1, le=100_000)
    compute_seconds: float = Field(default=3, gt=0, le=600)
    compute_processes: int = Field(default=2, ge=0, le=64)
    what_ifs_per_address: int = Field(default=30, ge=1, le=1_000_000)

    def migration_url(self) -> str:
        """Where migrations run: as the owner of the tables (``CONCORD_MIGRATION_DATABASE_URL``), or, when that is
        unset, as the application itself."""
        return self.migration_database_url or self.database_url

    comment_max_length: int = Field(default=5000, ge=1, le=100_000)
    posts_per_minute: int = Field(default=10, ge=1, le=10_000)  # comments, edits and amendments, per account

    public_url: str = "http://127.0.0.1:8000"
    worker_in_server: bool = True
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)
    delivery_concurrency: int = Field(default=4, ge=1, le=64)
    delivery_cpu_share: float = Field(default=0.2, gt=0, le=1)  # of one core, while the server answers requests
    delivery_backoff_seconds: float = Field(default=30.0, ge=0, le=86400)
    delivery_backoff_max_seconds: float = Field(default=3600.0, ge=0, le=7 * 86400)
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_ca_file: Path | None = None
    smtp_timeout: float = Field(default=20.0, gt=0, le=300)
    mail_sender: str = "Concord <concord@localhost>"
    mail_dir: Path | None = None
    webhook_timeout: float = Field(default=10.0, gt=0, le=120)
    webhook_allow_private: bool = False
    digest_hour: int = Field(default=7, ge=0, le=23)

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
