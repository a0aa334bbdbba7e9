"""Fixtures of the reliability tests: real servers on loopback ports, each run with its own database."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster import holding_the_cluster
from tests.reliability import servers


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pgstop: stops this machine's PostgreSQL for a few seconds (schedule alone)")


@pytest.fixture(autouse=True)
def cluster_alone_for_pgstop(request: pytest.FixtureRequest) -> Iterator[None]:
    """A ``pgstop`` test holds the cluster (tests/cluster.py) from its first fixture on, whatever else it uses."""
    if request.node.get_closest_marker("pgstop") is None:
        yield
        return
    with holding_the_cluster():
        yield


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (this machine's cluster, started if it is down)."""
    with servers.postgres_database() as url:
        yield url


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"
