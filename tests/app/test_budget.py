"""Power analyses on budgeted workers (app/budget.py) and anonymous what-ifs limited per address (app/ratelimit.py)."""

import threading
from datetime import timedelta
import time

import pytest
from fastapi.testclient import TestClient

from app.budget import Busy, ComputeBudget
from app.main import create_app
from governance import power
from tests.factories import make_coalition


def test_work_within_the_budget_answers_and_is_then_kept() -> None:
    budget = ComputeBudget(seconds=1, processes=0)
    calls = []

    first = budget.run("key", lambda: calls.append(1) or 42)
    again = budget.run("key", lambda: calls.append(1) or 43)

    assert (first, again, len(calls)) == (42, 42, 1)


def test_work_past_the_budget_is_a_busy_answer_and_its_result_is_served_once_ready() -> None:
    budget = ComputeBudget(seconds=0.05, processes=0)
    release = threading.Event()

    started = time.perf_counter()
    with pytest.raises(Busy) as refused:
        budget.run("slow", lambda: release.wait(5) and "done")
    waited = time.perf_counter() - started
    release.set()
    time.sleep(0.05)

    assert waited < 0.5
    assert refused.value.status_code == 503 and refused.value.retry_after > 0
    assert budget.run("slow", lambda: "computed again") == "done"


def test_past_the_pending_cap_new_work_is_refused_at_once() -> None:
    budget = ComputeBudget(seconds=0.01, processes=0, pending=2)
    release = threading.Event()
    for key in ("a", "b"):
        with pytest.raises(Busy):
            budget.run(key, lambda: release.wait(5))

    started = time.perf_counter()
    with pytest.raises(Busy, match="as many power analyses as it can"):
        budget.run("c", lambda: "never started")
    release.set()

    assert time.perf_counter() - started < 0.05


def test_a_slow_power_report_gets_a_503_with_retry_after_instead_of_holding_the_request(
        engine, settings, clock, monkeypatch) -> None:  # noqa: ANN001
    app = create_app(engine, settings=settings.model_copy(update={"compute_seconds": 0.2}), clock=clock)
    original = power.power_report
    monkeypatch.setattr(power, "power_report", lambda *a, **k: time.sleep(1) or original(*a, **k))
    with TestClient(app) as client:
        fixture = make_coalition(client, members={"a": 2, "b": 1})

        started = time.perf_counter()
        response = client.get(fixture.url("/power"))
        seconds = time.perf_counter() - started
        page = client.get("/c/wpn/power")

    assert response.status_code == 503 and int(response.headers["retry-after"]) > 0
    assert "ask again in a minute" in response.json()["detail"]
    assert seconds < 0.9
    assert page.status_code == 503 and "retry-after" in page.headers


def test_anonymous_what_ifs_are_limited_per_address_and_signed_in_ones_are_not(engine, settings, clock) -> None:  # noqa: ANN001
    app = create_app(engine, settings=settings.model_copy(update={"what_ifs_per_address": 2}), clock=clock)
    with TestClient(app) as client:
        fixture = make_coalition(client, members={"a": 2, "b": 1})
        url = fixture.url("/power/what-if")

        anonymous = [client.post(url, json={"kind": "decision"}).status_code for _ in range(3)]
        signed_in = [client.post(url, json={"kind": "decision"}, headers=fixture.admin).status_code for _ in range(3)]
        refused = client.post(url, json={"kind": "decision"})
        page = client.get("/c/wpn/power/what-if?counting=weighted&member_fraction=1/2&weight_fraction=1/2"
                          "&member_base=yes_no&weight_base=yes_no&member_strict=more&weight_strict=more")

    assert anonymous == [200, 200, 429]
    assert signed_in == [200, 200, 200]
    assert int(refused.headers["retry-after"]) > 0 and "without an account" in refused.json()["detail"]
    assert page.status_code == 429


def test_limiters_forget_keys_with_nothing_left_in_their_window_and_stay_bounded() -> None:
    from datetime import datetime, timedelta, timezone

    from app.ratelimit import FORGET_PAST, LoginLimiter, application_limiter, post_limiter, what_if_limiter

    login, windows = LoginLimiter(), [what_if_limiter(30), post_limiter(10), application_limiter()]
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    largest = 0
    for hour in range(6):  # a flood of made-up names: 6 x FORGET_PAST of them, a window apart in batches
        now = start + timedelta(hours=2 * hour)
        for n in range(FORGET_PAST):
            login.check(username=f"made-up-{hour}-{n}", address=f"addr-{hour}-{n}", now=now)
            for limiter in windows:
                limiter.check(key=f"addr-{hour}-{n}", now=now)
        largest = max(largest, len(login.attempts) // 2, *(len(limiter.seen) for limiter in windows))

    assert largest <= 4 * FORGET_PAST


def test_opening_a_ballot_whose_power_takes_too_long_is_a_503_that_leaves_no_trace(
        engine, settings, clock, monkeypatch) -> None:  # noqa: ANN001
    from tests.factories import make_proposal

    app = create_app(engine, settings=settings.model_copy(update={"compute_seconds": 0.2}), clock=clock)
    original = power.power_report
    with TestClient(app) as client:
        fixture = make_coalition(client, members={"a": 2, "b": 1})
        number = make_proposal(client, fixture, title="Slow to analyse")
        size = client.get(fixture.url()).json()["log_size"]
        monkeypatch.setattr(power, "power_report", lambda *a, **k: time.sleep(1) or original(*a, **k))
        closes_at = (clock.now + timedelta(days=3)).isoformat()

        started = time.perf_counter()
        refused = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin,
                              json={"closes_at": closes_at})
        seconds = time.perf_counter() - started
        after = client.get(fixture.url()).json()["log_size"]
        time.sleep(1.2)
        retried = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin,
                              json={"closes_at": closes_at})

    assert refused.status_code == 503 and seconds < 0.9
    assert after == size
    assert retried.status_code == 201, retried.text
