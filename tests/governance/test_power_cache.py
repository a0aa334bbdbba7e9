"""The power cache: bounded, within its memory budget, and with a capped number of counts in the background."""

import threading

import pytest

from governance import power
from governance.power import PowerCache
from voting.power import weighted_game


@pytest.fixture(autouse=True)
def few_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(power, "MONTE_CARLO_SAMPLES", 200)


def game(n: int):  # noqa: ANN201
    return weighted_game(list(range(1, n + 1)), n * (n + 1) // 4 + 1)


def test_the_least_recently_used_report_is_forgotten_past_the_count() -> None:
    cache = PowerCache(max_reports=2)
    cache.report(game(3))
    cache.report(game(4))
    cache.report(game(3))

    cache.report(game(5))

    assert len(cache) == 2
    assert set(cache._reports) == {game(3), game(5)}


def test_reports_are_forgotten_past_the_rows_they_hold_in_all() -> None:
    cache = PowerCache(max_rows=10)
    cache.report(game(4))
    cache.report(game(5))

    cache.report(game(6))

    assert set(cache._reports) == {game(6)}


def test_past_the_memory_budget_the_report_is_an_estimate_that_says_what_exact_needs() -> None:
    cache = PowerCache(memory_bytes=100)

    report = cache.report(game(6))

    assert report["exact"] is False
    assert report["note"]["reason"] == "memory"
    assert report["note"]["needed_bytes"] > report["note"]["limit_bytes"] == 100
    assert "would need about" in report["note"]["message"]
    assert cache.report(game(6)) is report


def test_a_slow_count_waits_in_the_background_and_the_cap_refuses_more(monkeypatch: pytest.MonkeyPatch) -> None:
    release, started = threading.Event(), threading.Event()
    exact = power.analyze

    def held(g, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if "exact_limit_seconds" in kwargs:
            raise power.ExactTooSlow(10.0, 1.0)
        started.set()
        release.wait(10)
        return exact(g, **kwargs)

    monkeypatch.setattr(power, "analyze", held)
    cache = PowerCache(max_pending=1)

    first = cache.report(game(4))
    started.wait(10)
    second = cache.report(game(5))
    assert first["note"]["reason"] == second["note"]["reason"] == "waiting"
    assert first["note"]["computing"] is True and "running in the background" in first["note"]["message"]
    assert second["note"]["computing"] is False and "ask again later" in second["note"]["message"]
    assert cache.pending() == 1

    release.set()
    cache._executor.shutdown(wait=True)

    assert cache.report(game(4))["exact"] is True
    assert cache.pending() == 0
