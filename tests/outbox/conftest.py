"""Outbox tests: settings that allow loopback webhooks and retry at once, a clock that starts at the wall clock (the
worker stamps rows with the real time), a worker on the test's app."""

from pathlib import Path

import pytest

from app.outbox.worker import Worker
from app.settings import Settings
from governance.clock import utcnow
from tests.conftest import FakeClock


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # a generous power budget, as the other test apps have: on a busy machine opening a ballot must not become a 503
    return Settings(database_url="sqlite:///unused.db", key_dir=tmp_path / "keys", log_host="concord.test",
                    public_url="https://concord.example", webhook_allow_private=True, delivery_backoff_seconds=0,
                    delivery_max_attempts=3, mail_dir=tmp_path / "mail", compute_seconds=60)


@pytest.fixture
def clock() -> FakeClock:
    started = FakeClock()
    started.now = utcnow().replace(microsecond=0)
    return started


@pytest.fixture
def worker(app) -> Worker:  # noqa: ANN001
    return Worker(app.state.engine, app.state.settings)
