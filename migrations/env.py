"""Alembic environment: the URL comes from the Config (``concord db upgrade``) or CONCORD_DATABASE_URL."""

from alembic import context
from sqlalchemy import pool

import governance.models  # noqa: F401  (registers every table)
from app.db import make_engine
from app.settings import get_settings
from governance.models import metadata

config = context.config
target_metadata = metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(database_url(), poolclass=pool.NullPool) if database_url().startswith("sqlite") else \
        make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
