"""kill -9 of every server process under load, restarted each time: no acknowledged vote lost, nothing half-written."""

import asyncio
import random
import threading
import time
from pathlib import Path

import httpx
import pytest

from app.db import make_engine
from tests.reliability import servers
from tests.reliability.driver import Stats, drive
from tests.reliability.integrity import check_coalition
from tests.reliability.scenario import seed

pytestmark = pytest.mark.slow


def wait_for_acks(stats: Stats, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(stats.acks) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def crash_under_load(server: servers.Server, scenario, *, kills: int, rng: random.Random,
                     clients: int = 8) -> list[Stats]:
    """Drive votes in a thread; once votes flow, kill -9 and restart the server at a random moment, ``kills`` times."""
    runs: list[Stats] = []
    for round_ in range(kills):
        stats = Stats()
        runs.append(stats)
        stop = threading.Event()
        thread = threading.Thread(target=lambda: asyncio.run(drive(
            server.url, [scenario], clients=clients, observers=1, seconds=300, seed=round_, timeout=10, stats=stats,
            stop=stop)))
        thread.start()
        wait_for_acks(stats, 1)
        time.sleep(rng.uniform(0.0, 1.0))
        server.kill()
        stop.set()
        thread.join(timeout=60)
        server.start()
    return runs


def close_then_kill(server: servers.Server, scenario, number: int, delay: float) -> int | None:
    """Ask to close ballot ``number`` and kill the server ``delay`` seconds later, whatever it is doing."""
    outcome: list[int] = []

    def close() -> None:
        try:
            outcome.append(httpx.post(f"{server.url}/api/v1/coalitions/{scenario.slug}/proposals/{number}/ballot/close",
                                      headers=scenario.headers(), timeout=10).status_code)
        except httpx.HTTPError:
            pass

    thread = threading.Thread(target=close)
    thread.start()
    time.sleep(delay)
    server.kill()
    thread.join(timeout=30)
    server.start()
    return outcome[0] if outcome else None


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_no_acknowledged_vote_is_lost_when_the_server_is_killed_under_load(backend, tmp_path: Path, key_dir) -> None:
    rng = random.Random(7)
    database = servers.postgres_database() if backend == "postgresql" else None
    url = database.__enter__() if database else servers.sqlite_url(tmp_path)
    try:
        scenario = seed(url, key_dir, slug="crash", members_count=12, decisions=3, choices=1)
        server = servers.Server(url, key_dir, workers=2 if backend == "postgresql" else 1,
                                log_path=tmp_path / "server.log")
        try:
            server.start()
            runs = crash_under_load(server, scenario, kills=3, rng=rng)
            closings = [close_then_kill(server, scenario, 1, rng.uniform(0.0, 0.15))]
            for number in (1, 2):  # whatever the kill left, closing again either closes or says it is closed
                response = httpx.post(f"{server.url}/api/v1/coalitions/{scenario.slug}/proposals/{number}/ballot/close",
                                      headers=scenario.headers(), timeout=30)
                assert response.status_code in (200, 409), response.text
        finally:
            server.stop()
        engine = make_engine(url)
        acks = [ack for run in runs for ack in run.acks]
        report = check_coalition(engine, scenario.slug, acks)
        engine.dispose()

        assert report, str(report)
        assert acks, "no vote was acknowledged at all: the load never reached the server"
        assert report.figures["closed ballots"] == 2
        assert all(status in (None, 200) for status in closings)
        assert not any(key[1] >= 500 for run in runs for key in run.statuses), [run.statuses for run in runs]
    finally:
        if database:
            database.__exit__(None, None, None)
