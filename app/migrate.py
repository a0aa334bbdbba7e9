"""Alembic driven from code: ``concord db upgrade`` and the migration tests use it."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from app import dbroles
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def upgrade_as_owner(settings: Settings, revision: str = "head") -> None:
    """Upgrade as the tables' owner (``CONCORD_MIGRATION_DATABASE_URL``, else ``CONCORD_DATABASE_URL``), then give the
    application's role its privileges on whatever the migrations made."""
    upgrade(settings.migration_url(), revision)
    dbroles.grant_after_migrations(settings)


def downgrade_as_owner(settings: Settings, revision: str = "-1") -> None:
    downgrade(settings.migration_url(), revision)
    dbroles.grant_after_migrations(settings)
