"""Fixtures: a fresh database per test (SQLite file, or PostgreSQL emptied, where the app connects as a role that may
only read and append to the log), the real app factory, a fake clock."""

import functools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app import dbroles, demo
from app.db import make_engine, read_session
from app.main import create_app
from app.settings import Settings
from governance import accounts
from governance.clock import utcnow
from governance.models import metadata

# A power analysis a test asks for is not a test of the time budget (tests/app/test_budget.py sets its own): on a
# loaded 2-core machine a first analysis, which may start a worker process, can take longer than the 3 s default.
os.environ.setdefault("CONCORD_COMPUTE_SECONDS", "60")
CONFIGURED_POSTGRES_URL = os.environ.get("CONCORD_TEST_DATABASE_URL", "")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_database_url(url: str, worker: str) -> str:
    """The configured database for a plain run; ``<name>_<worker>`` (``test_gw0``...) for each pytest-xdist worker."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = worker_database_url(CONFIGURED_POSTGRES_URL, XDIST_WORKER)


DATABASE_FIXTURES = {"engine", "database_url", "client", "app", "session"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that touch the database run on SQLite and again on PostgreSQL (``-m db``); a ``postgresql`` test only in
    the PostgreSQL run (deselected, not skipped, on SQLite); long ones first under xdist."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    if not CONFIGURED_POSTGRES_URL:
        elsewhere = [item for item in items if item.get_closest_marker("postgresql")]
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
    if XDIST_WORKER:
        items.sort(key=long_first)


def long_first(item: pytest.Item) -> int:
    """A long test handed out last would keep one worker busy while the others idle. The test that stops PostgreSQL
    leads and the other slow ones, which use it too (one at a time, tests/cluster.py), follow, so that the first
    worker starts with all of them (``OneWorkerForTheCluster``). Same order on every worker (a stable sort)."""
    for rank, marker in enumerate(("pgstop", "slow", "browser")):
        if item.get_closest_marker(marker):
            return rank
    return 3


SLOW_FOLDER = "tests/reliability/"


@pytest.hookimpl(optionalhook=True)  # without xdist (-p no:xdist) there is no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN001, ANN201
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class OneWorkerForTheCluster(LoadScheduling):
        """``--dist load``, except that one worker starts with the run of tests/reliability/ tests that leads
        the collection (the slow ones, sorted first by ``long_first``). They take this machine's PostgreSQL cluster
        one at a time (tests/cluster.py): handed out three at a time, the second worker waited minutes for the first.
        """

        def schedule(self) -> None:
            if self.collection is None and len(self.nodes) > 1 and self._check_nodes_have_same_collection():
                collection = next(iter(self.node2collection.values()))
                leading = next((i for i, nodeid in enumerate(collection) if not nodeid.startswith(SLOW_FOLDER)),
                               len(collection))
                if 0 < leading < len(collection) - 2 * len(self.nodes):
                    self.collection = collection
                    self.pending[:] = range(len(collection))
                    if self.maxschedchunk is None:  # as LoadScheduling.schedule sets it, which this one bypasses
                        self.maxschedchunk = len(collection)
                    chunk = max(min(len(collection) // len(self.nodes) // 4, self.maxschedchunk), 2)
                    first, *others = self.nodes
                    self._send_tests(first, leading)
                    for node in others:
                        self._send_tests(node, chunk)
                    return
            super().schedule()

    return OneWorkerForTheCluster(config, log)


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with small parameters in tests: the same code path, a fraction of the time."""
    cheap_hashing(monkeypatch)


def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", accounts._hasher.hash("dummy"))


@dataclass(frozen=True)
class DemoTemplate:
    """The demo coalition as ``concord demo`` builds it, once per worker: its SQLite file, its log keys, its time."""

    database: Path
    keys: Path
    built_at: datetime

    def copy_to(self, folder: Path) -> Settings:
        """A private copy in ``folder`` (the database and the keys that signed its log), and settings that use it."""
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.database, folder / "concord.db")
        shutil.copytree(self.keys, folder / "keys")
        return Settings(database_url=f"sqlite:///{folder / 'concord.db'}", key_dir=folder / "keys",
                        log_host="concord.test")

    def clock(self) -> "ShiftedClock":
        """The real clock set back by the template's age: the copy's open ballots are as open as a new demo's."""
        return ShiftedClock(utcnow() - self.built_at)


@dataclass(frozen=True)
class ShiftedClock:
    """The real time minus ``behind``."""

    behind: timedelta

    def __call__(self) -> datetime:
        return utcnow() - self.behind


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    """``concord demo`` run once per worker (about 5 s of CPU with real password hashing); tests copy the result."""
    folder = tmp_path_factory.mktemp("demo-template")
    settings = Settings(database_url=f"sqlite:///{folder / 'concord.db'}", key_dir=folder / "keys",
                        log_host="concord.test")
    with pytest.MonkeyPatch.context() as patch:
        cheap_hashing(patch)
        demo.run(settings)
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return DemoTemplate(folder / "concord.db", folder / "keys", utcnow())


def pytest_configure(config: pytest.Config) -> None:
    """An xdist worker's own PostgreSQL database exists before any test (or module fixture) connects to it."""
    if POSTGRES_URL != CONFIGURED_POSTGRES_URL:
        create_database_if_missing(CONFIGURED_POSTGRES_URL, make_url(POSTGRES_URL).database)


def create_database_if_missing(server_url: str, name: str) -> None:
    """``CREATE DATABASE name`` unless it exists, from the configured database (or ``postgres`` if that is missing)."""
    for url in (server_url, make_url(server_url).set(database="postgres").render_as_string(hide_password=False)):
        server = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as connection:
                if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first():
                    return
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
                return
        except OperationalError:
            if url != server_url:
                raise
        finally:
            server.dispose()


TEST_ROLE_PASSWORD = "concord-test"


def role_url(admin_url: str, suffix: str) -> str:
    """The URL of the test database's own role ``<database>_<suffix>``. Roles belong to the whole server: one owner and
    one application role per database keep parallel workers, and other checkouts, apart."""
    url = make_url(admin_url)
    return url.set(username=f"{url.database}_{suffix}", password=TEST_ROLE_PASSWORD).render_as_string(
        hide_password=False)


OWNER_URL, APP_URL = (role_url(POSTGRES_URL, "owner"), role_url(POSTGRES_URL, "app")) if POSTGRES_URL else ("", "")


@dataclass
class PostgresDatabase:
    """The test database as production runs it: ``owner`` owns the schema, ``app`` (what the tests' app uses) may
    only read and append to the log; ``admin``, the configured user, creates and empties it."""

    admin: Engine
    owner: Engine
    app: Engine


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase | None]:
    if not POSTGRES_URL:
        yield None
        return
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
        dbroles.setup_roles(connection, owner=make_url(OWNER_URL).username, owner_password=TEST_ROLE_PASSWORD,
                            app=make_url(APP_URL).username, app_password=TEST_ROLE_PASSWORD)
    owner = make_engine(OWNER_URL)
    metadata.create_all(owner)
    with owner.begin() as connection:
        dbroles.grant_app(connection, make_url(APP_URL).username)
    database = PostgresDatabase(admin=admin, owner=owner, app=make_engine(APP_URL))
    yield database
    for engine in (database.app, owner, admin):
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_database: PostgresDatabase | None) -> Engine | None:
    """The application role's engine on PostgreSQL."""
    return postgres_database.app if postgres_database else None


def truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def empty_all(database: PostgresDatabase) -> None:
    """The state ``truncate_all`` leaves (no rows, every sequence at its start) in milliseconds, not half a second.

    ``DELETE`` with this transaction's triggers off (the log's append-only guard, the foreign-key checks), which needs
    a superuser; without one, the owner truncates.
    """
    if not _is_superuser(database.admin):
        truncate_all(database.owner)
        return
    with database.admin.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(metadata.sorted_tables):
            connection.exec_driver_sql(f'DELETE FROM "{table.name}"')
        connection.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) "
                                "FROM pg_sequences WHERE schemaname = current_schema()"))


@functools.cache
def _is_superuser(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SHOW is_superuser").scalar() == "on"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the whole schema, created once: each test gets a copy instead of running ``create_all``."""
    path = tmp_path_factory.mktemp("template") / "concord.db"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path: Path, postgres_engine: Engine | None) -> str:
    """Where the app connects: as the application role on PostgreSQL."""
    return APP_URL or f"sqlite:///{tmp_path / 'concord.db'}"


@pytest.fixture
def engine(tmp_path: Path, postgres_database: PostgresDatabase | None,
           request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty database: the application role's engine on PostgreSQL, a copy of the template on SQLite."""
    if postgres_database is not None:
        empty_all(postgres_database)
        yield postgres_database.app
        return
    shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "concord.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'concord.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def owner_engine(engine: Engine, postgres_database: PostgresDatabase | None) -> Engine:
    """The same database as the owner of its tables sees it (on SQLite there is no other role)."""
    return postgres_database.owner if postgres_database is not None else engine


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Power analyses on threads: an in-process test app need not start worker processes (app/budget.py).
    return Settings(database_url="sqlite:///unused.db", key_dir=tmp_path / "keys", log_host="concord.test",
                    compute_processes=0)


@pytest.fixture
def app(engine: Engine, settings: Settings, clock: FakeClock):  # noqa: ANN201
    return create_app(engine, settings=settings, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for reading what the app stored (tests change state through the API)."""
    with read_session(engine) as db_session:
        yield db_session
