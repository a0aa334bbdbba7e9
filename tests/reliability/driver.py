"""A bounded load driver: concurrent async clients cast and change votes while observers read; loopback only.

Each client sends its requests through httpx (the default) or, with ``raw=True``, through a connection of its own
of the small keep-alive client in ``rawhttp``, which costs the driver far less CPU per request.
"""

import asyncio
import random
import threading
import time
from collections.abc import Awaitable, Callable
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.reliability.rawhttp import RawConnection, TransportError
from tests.reliability.scenario import Ack, Scenario, random_vote

__all__ = ["Schedule", "Send", "Senders", "Stats", "drive", "percentile"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")

Send = Callable[[str, str, Any, dict[str, str] | None], Awaitable[Any]]
"""``send(method, path, json_body, headers)``: the answer (``status_code``, ``text``, ``json()``)."""


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


class Schedule:
    """One client's share of a fixed request rate: a send time every ``interval`` seconds from ``start``.

    A request is timed from the moment the schedule meant it to go, not from when a slow answer to the one before
    let it go, so a server that falls behind shows in the latencies instead of slowing the load down ("coordinated
    omission", as wrk2 measures).
    """

    def __init__(self, start: float, interval: float) -> None:
        self.at, self.interval = start, interval

    async def next(self) -> float:
        due, self.at = self.at, self.at + self.interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        return due


async def _request(send: Send, stats: Stats, kind: str, method: str, path: str, *, json: Any = None,
                   headers: dict[str, str] | None = None, since: float | None = None) -> Any:
    started = time.perf_counter() if since is None else since
    try:
        response = await send(method, path, json, headers)
    except (httpx.HTTPError, TransportError) as error:
        stats.failures[type(error.__cause__ or error).__name__] += 1
        await asyncio.sleep(0.05)
        return None
    (stats.vote_latencies if kind == "vote" else stats.read_latencies).append(time.perf_counter() - started)
    stats.statuses[(kind, response.status_code)] += 1
    if response.status_code >= 400 and response.status_code != 409:
        stats.samples.setdefault(f"{kind} {response.status_code}", response.text[:300])
    return response


Sign = Callable[[Scenario, int, str, dict], dict]
"""``sign(scenario, number, member, vote)``: the body of the vote signed with the member's key."""


async def _voter(send: Send, scenarios: list[Scenario], stats: Stats, rng: random.Random,
                 going: Callable[[], bool], budget: list[int], schedule: "Schedule | None" = None,
                 sign: Sign | None = None, share: tuple[int, int] = (0, 1)) -> None:
    """Votes until the run ends; with ``sign``, signed, each client voting only for its ``share`` of the members
    (client n of k: the members whose position is n modulo k), so each member's sequence numbers arrive in order."""
    while going() and budget[0] > 0:
        budget[0] -= 1
        scenario = rng.choice(scenarios)
        number, kind = rng.choice(list(scenario.ballots.items()))
        mine = list(scenario.reps)[share[0]::share[1]] if sign is not None else list(scenario.reps)
        member = rng.choice(mine or list(scenario.reps))
        choice = random_vote(kind, rng)
        # Signed while waiting for its moment, as a member's client signs before it sends: the latency counted from
        # the scheduled time is then the server's and the network's, not the driver's own signing.
        body = sign(scenario, number, member, choice) if sign is not None else choice
        due = await schedule.next() if schedule is not None else None
        response = await _request(send, stats, "vote", "PUT", scenario.vote_path(number, member),
                                  json=body, headers=scenario.headers(member), since=due)
        if response is not None and response.status_code == 200:
            data = response.json()
            stats.acks.append(Ack(scenario.slug, number, member, data["vote"]["vote"], data["log_index"]))


async def _observer(send: Send, scenarios: list[Scenario], stats: Stats, rng: random.Random,
                    going: Callable[[], bool], extra_paths: tuple[str, ...], pause: float) -> None:
    """Reads a random page or API resource, waits ``pause`` seconds, and again. Observers are independent people:
    each starts at a random moment within its first pause, so they do not all read at the same instant."""
    await asyncio.sleep(rng.uniform(0, pause))
    while going():
        scenario = rng.choice(scenarios)
        number = rng.choice(list(scenario.ballots))
        base = f"/api/v1/coalitions/{scenario.slug}"
        path = rng.choice([f"{base}/proposals/{number}/ballot", f"{base}/proposals/{number}/ballot/votes",
                           f"{base}/log/entries?start=0&end=20", base, f"{base}/members",
                           *(p.format(slug=scenario.slug, number=number) for p in extra_paths)])
        await _request(send, stats, "read", "GET", path)
        await asyncio.sleep(pause)


class Senders:
    """``count`` send functions on ``url``: one shared httpx client, or one raw connection each."""

    def __init__(self, url: str, count: int, *, timeout: float = 30, raw: bool = False) -> None:
        _check_loopback(url)
        self.raw, self.count = raw, count
        self.connections = [RawConnection(url, timeout) for _ in range(count)] if raw else []
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
        self.client = None if raw else httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout)

    async def __aenter__(self) -> list[Send]:
        if self.raw:
            return [lambda m, p, j, h, c=c: c.request(m, p, json_body=j, headers=h) for c in self.connections]
        client = await self.client.__aenter__()
        return [lambda m, p, j, h: client.request(m, p, json=j, headers=h)] * self.count

    async def __aexit__(self, *exc_info: object) -> None:
        for connection in self.connections:
            connection.close()
        if self.client is not None:
            await self.client.__aexit__(*exc_info)


async def drive(url: str, scenarios: list[Scenario], *, clients: int, observers: int = 0, seconds: float,
                max_votes: int = 1_000_000, seed: int = 0, extra_paths: tuple[str, ...] = (),
                timeout: float = 30, stats: Stats | None = None, stop: threading.Event | None = None,
                raw: bool = False, rate: float | None = None, observer_pause: float = 0.02,
                sign: Sign | None = None) -> Stats:
    """Run ``clients`` voters and ``observers`` readers against ``url`` for at most ``seconds`` and ``max_votes``.

    Without ``rate`` each voter sends its next vote as soon as the last one is answered (a closed loop: the most the
    server can take); with ``rate`` the voters together send ``rate`` votes a second on a fixed schedule, each
    client in turn, and latencies count from the scheduled time. Each observer waits ``observer_pause`` seconds
    after each answer before its next read. With ``sign``, every vote is signed (``_voter``).
    """
    stats = stats if stats is not None else Stats()
    started = time.monotonic()
    deadline = started + seconds
    begin = time.perf_counter() + 0.05
    schedules = [Schedule(begin + n / rate, clients / rate) if rate else None for n in range(clients)]

    def going() -> bool:
        return time.monotonic() < deadline and not (stop is not None and stop.is_set())

    budget = [max_votes]
    async with Senders(url, clients + observers, timeout=timeout, raw=raw) as sends:
        readers = [asyncio.ensure_future(_observer(sends[clients + n], scenarios, stats,
                                                   random.Random(-seed * 1000 - n - 1), going, extra_paths,
                                                   observer_pause)) for n in range(observers)]
        await asyncio.gather(*(_voter(sends[n], scenarios, stats, random.Random(seed * 1000 + n), going, budget,
                                      schedules[n], sign, (n, clients)) for n in range(clients)))
        stats.elapsed = time.monotonic() - started  # the voters' time: an observer may still be in its pause
        await asyncio.gather(*readers)
    return stats
