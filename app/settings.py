"""Settings from the environment (prefix ``CONCORD_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONCORD_")

    database_url: str = "sqlite:///concord.db"
    key_dir: Path = Path("var/keys")
    log_host: str = "concord.localhost"
    secret_key: str = ""
    max_body_bytes: int = 1_000_000
    allow_public_coalitions: bool = True
    secure_cookies: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()
