"""The PostgreSQL pool: sized from the settings within a default server's connections, a clear 503 when exhausted."""

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.main import create_app
from app.settings import MAX_OVERFLOW, POOL_SIZE, Settings
from tests.app.support import quick_coalition

DEFAULT_MAX_CONNECTIONS, SUPERUSER_RESERVED = 100, 3
"""PostgreSQL's defaults for ``max_connections`` and ``superuser_reserved_connections`` (server configuration docs)."""


def test_the_default_pools_of_four_workers_fit_a_default_postgresql() -> None:
    assert 4 * (POOL_SIZE + MAX_OVERFLOW) <= DEFAULT_MAX_CONNECTIONS - SUPERUSER_RESERVED


def test_the_pool_is_sized_from_the_environment(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("CONCORD_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    monkeypatch.setenv("CONCORD_DB_POOL_SIZE", "3")
    monkeypatch.setenv("CONCORD_DB_MAX_OVERFLOW", "2")
    monkeypatch.setenv("CONCORD_DB_POOL_TIMEOUT", "1.5")
    monkeypatch.setenv("CONCORD_KEY_DIR", str(tmp_path / "keys"))

    pool = create_app(settings=Settings()).state.engine.pool

    assert (pool.size(), pool._max_overflow, pool.timeout()) == (3, 2, 1.5)


@pytest.mark.parametrize("name", ["CONCORD_DB_POOL_SIZE", "CONCORD_DB_MAX_OVERFLOW", "CONCORD_DB_POOL_TIMEOUT"])
def test_a_pool_setting_out_of_range_is_refused(monkeypatch, name: str) -> None:  # noqa: ANN001
    monkeypatch.setenv(name, "-1")
    with pytest.raises(ValueError, match=name.removeprefix("CONCORD_").lower()):
        Settings()


@pytest.mark.postgresql  # the pool settings size PostgreSQL's pool; SQLite keeps SQLAlchemy's own
def test_an_exhausted_pool_answers_503_with_retry_after_then_recovers(engine, settings, clock,  # noqa: ANN001
                                                                       database_url) -> None:
    tiny = make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app = create_app(tiny, settings=settings, clock=clock)
    fixture = quick_coalition(app, members={"a": 1})
    with TestClient(app) as client:
        with tiny.connect():
            exhausted = client.get(fixture.url("/members"))
        recovered = client.get(fixture.url("/members"))
    tiny.dispose()

    assert exhausted.status_code == 503 and exhausted.headers["retry-after"] == "5"
    assert "database is unavailable" in exhausted.json()["detail"]
    assert recovered.status_code == 200
