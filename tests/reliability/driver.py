"""A bounded load driver: concurrent async clients cast and change votes while observers read; loopback only."""

import asyncio
import random
import threading
import time
from collections.abc import Callable
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from tests.reliability.scenario import Ack, Scenario, random_vote

__all__ = ["Stats", "drive", "percentile"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Stats:
    """What a run saw: latencies in seconds by kind, statuses, acknowledged votes, errors."""

    vote_latencies: list[float] = field(default_factory=list)
    read_latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    acks: list[Ack] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def votes(self) -> int:
        return len(self.acks)

    def errors(self) -> int:
        """Answers other than a success, plus transport failures."""
        bad = sum(n for key, n in self.statuses.items() if key[1] >= 300)
        return bad + sum(self.failures.values())

    def summary(self) -> dict:
        return {"votes": self.votes, "seconds": round(self.elapsed, 2),
                "votes_per_s": round(self.votes / self.elapsed, 1) if self.elapsed else 0,
                "vote_ms": _ms(self.vote_latencies), "read_ms": _ms(self.read_latencies),
                "reads": len(self.read_latencies), "errors": self.errors(),
                "statuses": {f"{kind} {status}": n for (kind, status), n in sorted(self.statuses.items())},
                "failures": dict(self.failures), "samples": self.samples}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (``share`` in 0..1); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def _ms(values: list[float]) -> dict:
    return {name: round(percentile(values, share) * 1000, 1) for name, share in
            (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))}


def _check_loopback(url: str) -> None:
    if urlsplit(url).hostname not in LOOPBACK:
        raise ValueError(f"the load driver only targets loopback addresses, not {url}")


async def _request(client: httpx.AsyncClient, stats: Stats, kind: str, method: str, path: str,
                   **kwargs: object) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        stats.failures[type(error).__name__] += 1
        await asyncio.sleep(0.05)
        return None
    (stats.vote_latencies if kind == "vote" else stats.read_latencies).append(time.perf_counter() - started)
    stats.statuses[(kind, response.status_code)] += 1
    if response.status_code >= 400 and response.status_code != 409:
        stats.samples.setdefault(f"{kind} {response.status_code}", response.text[:300])
    return response


async def _voter(client: httpx.AsyncClient, scenarios: list[Scenario], stats: Stats, rng: random.Random,
                 going: Callable[[], bool], budget: list[int]) -> None:
    while going() and budget[0] > 0:
        budget[0] -= 1
        scenario = rng.choice(scenarios)
        number, kind = rng.choice(list(scenario.ballots.items()))
        member = rng.choice(list(scenario.reps))
        choice = random_vote(kind, rng)
        response = await _request(client, stats, "vote", "PUT", scenario.vote_path(number, member),
                                  json=choice, headers=scenario.headers(member))
        if response is not None and response.status_code == 200:
            data = response.json()
            stats.acks.append(Ack(scenario.slug, number, member, data["vote"]["vote"], data["log_index"]))


async def _observer(client: httpx.AsyncClient, scenarios: list[Scenario], stats: Stats, rng: random.Random,
                    going: Callable[[], bool], extra_paths: tuple[str, ...]) -> None:
    while going():
        scenario = rng.choice(scenarios)
        number = rng.choice(list(scenario.ballots))
        base = f"/api/v1/coalitions/{scenario.slug}"
        path = rng.choice([f"{base}/proposals/{number}/ballot", f"{base}/proposals/{number}/ballot/votes",
                           f"{base}/log/entries?start=0&end=20", base, f"{base}/members",
                           *(p.format(slug=scenario.slug, number=number) for p in extra_paths)])
        await _request(client, stats, "read", "GET", path)
        await asyncio.sleep(0.02)


async def drive(url: str, scenarios: list[Scenario], *, clients: int, observers: int = 0, seconds: float,
                max_votes: int = 1_000_000, seed: int = 0, extra_paths: tuple[str, ...] = (),
                timeout: float = 30, stats: Stats | None = None, stop: threading.Event | None = None) -> Stats:
    """Run ``clients`` voters and ``observers`` readers against ``url`` for at most ``seconds`` and ``max_votes``."""
    _check_loopback(url)
    stats = stats if stats is not None else Stats()
    limits = httpx.Limits(max_connections=clients + observers, max_keepalive_connections=clients + observers)
    started = time.monotonic()
    deadline = started + seconds

    def going() -> bool:
        return time.monotonic() < deadline and not (stop is not None and stop.is_set())

    budget = [max_votes]
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        tasks = [_voter(client, scenarios, stats, random.Random(seed * 1000 + n), going, budget)
                 for n in range(clients)]
        tasks += [_observer(client, scenarios, stats, random.Random(-seed * 1000 - n - 1), going, extra_paths)
                  for n in range(observers)]
        await asyncio.gather(*tasks)
    stats.elapsed = time.monotonic() - started
    return stats
