"""On PostgreSQL the database guards the log: the application's role may read and append to the log's tables but not
rewrite them, nor drop or disable their triggers; ``concord db roles`` sets that up, even on a database the
application used to own."""

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError

from app import dbroles
from app.cli import main
from app.db import make_engine
from app.settings import get_settings
from governance.log.append_only import LOG_TABLES
from governance.log.sources import read_archive_bytes
from governance.log.verify import verify_log
from tests.conftest import POSTGRES_URL, TEST_ROLE_PASSWORD
from tests.factories import make_coalition

INSUFFICIENT_PRIVILEGE = "42501"
DISARMING = [
    *(statement.format(table=table) for table in LOG_TABLES for statement in (
        "UPDATE {table} SET coalition_id = coalition_id",
        "DELETE FROM {table}",
        "TRUNCATE {table}",
        "DROP TRIGGER {table}_append_only ON {table}",
        "ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "DROP TABLE {table}",
    )),
    "CREATE OR REPLACE FUNCTION concord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "SET session_replication_role = replica",
]


def refusal(engine: Engine, statement: str) -> str | None:
    """The SQLSTATE that refused ``statement``, or None if it ran (rolled back either way)."""
    with engine.connect() as connection:
        try:
            connection.exec_driver_sql(statement)
        except DBAPIError as error:
            return error.orig.sqlstate
        finally:
            connection.rollback()
    return None


def log_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() for table in LOG_TABLES}


@pytest.mark.postgresql
def test_the_application_role_may_neither_rewrite_the_log_nor_disarm_its_guard(client, engine) -> None:
    make_coalition(client, members={"aden": 2, "taiz": 1})
    before = log_rows(engine)

    refusals = {statement: refusal(engine, statement) for statement in DISARMING}

    assert refusals == dict.fromkeys(DISARMING, INSUFFICIENT_PRIVILEGE)
    assert log_rows(engine) == before and min(before.values()) > 0


@pytest.mark.postgresql
def test_the_application_appends_to_and_reads_the_log_as_that_role(client, engine) -> None:
    fixture = make_coalition(client, members={"aden": 2, "taiz": 1})

    export = client.get(fixture.url("/log/export"))
    source = read_archive_bytes(export.content)
    with engine.connect() as connection:
        role = connection.exec_driver_sql("SELECT current_user").scalar_one()
        problems = dbroles.guard_problems(connection)

    assert role == make_url(POSTGRES_URL).database + "_app" and problems == []
    assert len(source.entries) >= 5  # created, the admin's grant, two members and their representatives' grants
    assert verify_log(source.entries, source.checkpoint, client.get(fixture.url("/log/key")).text.strip())


@pytest.mark.postgresql
def test_the_guard_check_names_a_role_that_could_rewrite_the_log(owner_engine, postgres_database) -> None:
    with owner_engine.connect() as connection:
        owner_problems = dbroles.guard_problems(connection)
    with postgres_database.admin.connect() as connection:
        superuser_problems = dbroles.guard_problems(connection)

    assert f"{make_url(POSTGRES_URL).database}_owner owns log_entry and may drop its triggers" in owner_problems
    assert len(owner_problems) == 2 * len(LOG_TABLES) + 1  # owns each table, holds its privileges; the function
    assert superuser_problems == [f"{make_url(POSTGRES_URL).username} is a superuser"]


@pytest.fixture
def roles_database(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[dict[str, str]]:  # noqa: ANN001
    """A database of its own that the application's role owns and migrated, as before ``concord db roles``."""
    name = f"{make_url(POSTGRES_URL).database}_roles"
    app, owner = (make_url(POSTGRES_URL).set(database=name, username=f"{name}_{suffix}", password=TEST_ROLE_PASSWORD)
                  .render_as_string(hide_password=False) for suffix in ("app", "owner"))
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": f"{name}_app"}).first():
            connection.exec_driver_sql(f'CREATE ROLE "{name}_app" LOGIN')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER "{name}_app"')
    monkeypatch.setenv("CONCORD_DATABASE_URL", app)
    monkeypatch.delenv("CONCORD_MIGRATION_DATABASE_URL", raising=False)
    monkeypatch.setenv("CONCORD_KEY_DIR", str(tmp_path / "keys"))
    get_settings.cache_clear()
    yield {"app": app, "owner": owner}
    get_settings.cache_clear()
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


def with_owner(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("CONCORD_MIGRATION_DATABASE_URL", url)
    get_settings.cache_clear()


@pytest.mark.db
@pytest.mark.postgresql
def test_concord_db_roles_takes_the_log_away_from_an_application_that_owned_it(roles_database, monkeypatch,
                                                                              capsys) -> None:
    assert main(["db", "upgrade", "0002"]) == 0  # the application migrates, and owns, its tables
    warned = capsys.readouterr().err
    admin = make_url(POSTGRES_URL)
    admin_without_database = URL.create(admin.drivername, admin.username, admin.password, admin.host, admin.port
                                        ).render_as_string(hide_password=False)

    with_owner(monkeypatch, roles_database["owner"])
    set_up = [main(["db", "roles", "--admin-url", admin_without_database]) for _ in range(2)]
    set_up_said = capsys.readouterr()
    with_owner(monkeypatch, "")
    upgrade_as_application = main(["db", "upgrade"])
    upgrade_as_application_said = capsys.readouterr().err
    with_owner(monkeypatch, roles_database["owner"])
    upgraded, demo, reset = main(["db", "upgrade"]), main(["demo"]), main(["demo"])

    said = capsys.readouterr()
    app = make_engine(roles_database["app"])
    try:
        with app.connect() as connection:
            problems = dbroles.guard_problems(connection)
        refused = refusal(app, "DROP TRIGGER log_entry_append_only ON log_entry")
        rows = log_rows(app)
    finally:
        app.dispose()
    assert "warning: the database does not guard the log" in warned and "_app owns checkpoint" in warned
    assert set_up == [0, 0] and set_up_said.err == ""
    assert "only read and append to log_entry, log_node, checkpoint" in set_up_said.out
    assert upgrade_as_application == 1
    assert "may not change the schema" in upgrade_as_application_said
    assert (upgraded, demo, reset) == (0, 0, 0) and said.err == ""
    assert problems == [] and refused == INSUFFICIENT_PRIVILEGE and rows["log_entry"] > 0


@pytest.mark.parametrize(("database_url", "migration_url", "expected"), [
    ("sqlite:///concord.db", "", "not a PostgreSQL database"),
    ("postgresql+psycopg://concord@db/concord", "", "Set CONCORD_MIGRATION_DATABASE_URL"),
    ("postgresql+psycopg://concord@db/concord", "postgresql+psycopg://concord@db/concord", "give them two roles"),
    ("postgresql+psycopg://app@db/concord", "postgresql+psycopg://owner@db/other", "databases differ"),
])
def test_concord_db_roles_refuses_what_it_cannot_set_up_with_a_reason(monkeypatch, capsys, database_url,
                                                                       migration_url, expected) -> None:
    monkeypatch.setenv("CONCORD_DATABASE_URL", database_url)
    monkeypatch.setenv("CONCORD_MIGRATION_DATABASE_URL", migration_url)
    get_settings.cache_clear()

    try:
        status = main(["db", "roles", "--admin-url", "postgresql+psycopg://postgres@127.0.0.1:1/concord"])
    finally:
        get_settings.cache_clear()

    assert status == 1 and expected in capsys.readouterr().err
