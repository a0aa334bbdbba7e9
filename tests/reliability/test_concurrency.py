"""Concurrent casts for the same members across worker processes on PostgreSQL; a closing at the deadline happens once."""

import time
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from app.db import make_engine
from governance.clock import utcnow
from tests.reliability import servers
from tests.reliability.concurrent import cast_storm
from tests.reliability.integrity import check_coalition
from tests.reliability.scenario import Scenario, seed

pytestmark = pytest.mark.slow


def open_ballot_closing_soon(server: servers.Server, scenario: Scenario, seconds: float) -> tuple[Scenario, float]:
    """A new decision whose ballot closes ``seconds`` from now (real clock); the scenario aimed at it alone."""
    base = f"{server.url}/api/v1/coalitions/{scenario.slug}"
    number = httpx.post(f"{base}/proposals", json={"title": "At the deadline"}, headers=scenario.headers(),
                        timeout=60).json()["number"]
    closes_at = utcnow() + timedelta(seconds=seconds)
    response = httpx.post(f"{base}/proposals/{number}/ballot", json={"closes_at": closes_at.isoformat()},
                          headers=scenario.headers(), timeout=60)
    assert response.status_code == 201, response.text
    return replace(scenario, ballots={number: "decision"}), closes_at.timestamp()


def test_concurrent_casts_leave_one_vote_per_member_and_one_closing(pg_url: str, key_dir, tmp_path) -> None:
    scenario = seed(pg_url, key_dir, slug="race", members_count=10, decisions=2)
    with servers.Server(pg_url, key_dir, workers=4, log_path=tmp_path / "server.log") as server:
        storm = cast_storm(server.url, scenario, total=500, clients=40)
        closing, deadline = open_ballot_closing_soon(server, scenario, seconds=10)
        at_deadline = cast_storm(server.url, closing, total=600, clients=40, start_at=deadline - 0.5)
        time.sleep(max(0.0, deadline + 0.5 - time.time()))
        read = httpx.get(f"{server.url}/api/v1/coalitions/race/proposals/{list(closing.ballots)[0]}/ballot",
                         timeout=60)
        log = server.log_tail()
    engine = make_engine(pg_url)
    report = check_coalition(engine, "race", storm.acks + at_deadline.acks)
    engine.dispose()

    assert report, str(report)
    assert storm.statuses == {200: 500}, (storm.statuses, storm.failures, log)
    assert set(at_deadline.statuses) <= {200, 409} and not at_deadline.failures, (at_deadline.statuses,
                                                                                 at_deadline.failures, log)
    assert at_deadline.statuses[409] > 0, "no cast arrived after the deadline: the closing race was not exercised"
    assert read.json()["status"] == "closed"
    assert report.figures["closed ballots"] == 1
    assert report.figures["current votes"] <= 30
    for seen in storm.per_client + at_deadline.per_client:
        assert seen == sorted(seen), "a client's later cast was logged before its earlier one"
    indexes = [ack.log_index for ack in storm.acks + at_deadline.acks]
    assert len(indexes) == len(set(indexes)), "two acknowledged casts share one log entry"
