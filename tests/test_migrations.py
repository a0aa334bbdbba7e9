"""Alembic: upgrade a fresh database to head, no drift from the models, downgrade to base; the log is append-only."""

import json
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app import migrate
from app.db import make_engine
from governance.models import metadata
from tests.conftest import POSTGRES_URL

DATABASES = ["postgresql"] if POSTGRES_URL else ["sqlite"]  # the SQLite pass has run the migrations on SQLite already
pytestmark = pytest.mark.db  # its own databases, not the per-test fixtures: so that the PostgreSQL pass runs it too


@pytest.fixture(scope="module", params=DATABASES)
def migrations_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own for this module: a new SQLite file, or a new PostgreSQL database (not the per-test one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'migrations.db'}"
        return
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_migrations"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


@pytest.fixture
def fresh_url(migrations_url: str) -> str:
    """The module's database, emptied: every migration downgraded (a no-op when it was never upgraded)."""
    migrate.downgrade(migrations_url, "base")
    return migrations_url


def drift(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def assert_log_entries_cannot_change(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO coalition (slug, name, description, created_at) "
                                "VALUES ('c', 'C', '', '2026-01-01 00:00:00+00:00')"))
        coalition_id = connection.execute(text("SELECT id FROM coalition WHERE slug = 'c'")).scalar_one()
        connection.execute(text("INSERT INTO log_entry (coalition_id, idx, type, data, leaf_hash) "
                                "VALUES (:c, 0, 'coalition.created', :data, :leaf)"),
                           {"c": coalition_id, "data": b"{}", "leaf": b"\0" * 32})
    for statement in ("UPDATE log_entry SET type = 'forged'", "DELETE FROM log_entry"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT type FROM log_entry")).scalars().all() == ["coalition.created"]


def test_migrations_upgrade_to_the_models_and_downgrade_to_nothing(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        upgraded_tables = set(inspect(engine).get_table_names())
        differences = drift(engine)
        migrate.downgrade(fresh_url, "base")
        remaining = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

    assert upgraded_tables == set(metadata.tables) | {"alembic_version"}
    assert differences == []
    assert remaining <= {"alembic_version"}


def test_the_migrated_schema_refuses_to_update_or_delete_log_entries(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        assert_log_entries_cannot_change(engine)
    finally:
        engine.dispose()


def test_the_test_schema_refuses_to_update_or_delete_log_entries_too(owner_engine: Engine) -> None:
    assert_log_entries_cannot_change(owner_engine)  # even its owner (the application role may not even try)


def test_the_charter_migration_gives_existing_coalitions_the_default_rule_of_each_new_kind(fresh_url: str) -> None:
    from governance.rules import default_rules

    migrate.upgrade(fresh_url, "0003")
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO coalition (slug, name, description, created_at) "
                                    "VALUES ('old', 'Old', '', '2026-01-01 00:00:00+00:00')"))
        migrate.upgrade(fresh_url)
        with engine.connect() as connection:
            kinds = set(connection.execute(text("SELECT kind FROM coalitionrule")).scalars())
            rule = connection.execute(text("SELECT rule FROM coalitionrule WHERE kind = 'weight_change'")).scalar_one()
    finally:
        engine.dispose()

    assert kinds == {"charter_amendment", "weight_change", "suspension", "readmission", "expulsion"}
    assert (json.loads(rule) if isinstance(rule, str) else rule) == default_rules()["weight_change"]
