"""Fixtures of the reliability tests: real servers on loopback ports, each run with its own database."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability import servers


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pgstop: stops this machine's PostgreSQL for a few seconds (schedule alone)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on this machine's PostgreSQL cluster run one after another on one xdist worker: a ``pgstop`` test stops
    the cluster, which must not happen under another test's feet (mark others ``xdist_group("postgresql")``)."""
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()) or item.get_closest_marker("pgstop"):
            item.add_marker(pytest.mark.xdist_group("postgresql"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (this machine's cluster, started if it is down)."""
    with servers.postgres_database() as url:
        yield url


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"
