"""Fixtures: a fresh database per test (SQLite file, or PostgreSQL truncated), the real app factory, a fake clock."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import make_engine, read_session
from app.main import create_app
from app.settings import Settings
from governance import accounts
from governance.models import metadata

POSTGRES_URL = os.environ.get("CONCORD_TEST_DATABASE_URL", "")


DATABASE_FIXTURES = {"engine", "database_url", "client", "app", "session"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch the database run on SQLite and again on PostgreSQL (``-m db``)."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


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
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", accounts._hasher.hash("dummy"))


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    if not POSTGRES_URL:
        yield None
        return
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(tmp_path: Path, postgres_engine: Engine | None) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'concord.db'}"


@pytest.fixture
def engine(tmp_path: Path, postgres_engine: Engine | None) -> Iterator[Engine]:
    if postgres_engine is not None:
        truncate_all(postgres_engine)
        yield postgres_engine
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'concord.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite:///unused.db", key_dir=tmp_path / "keys", log_host="concord.test")


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
