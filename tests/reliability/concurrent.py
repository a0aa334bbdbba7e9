"""Many concurrent casts for the same few members, a ballot closing under them with the real clock."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.reliability.scenario import Ack, Scenario, random_vote

__all__ = ["Outcome", "cast_storm"]


@dataclass
class Outcome:
    acks: list[Ack] = field(default_factory=list)
    per_client: list[list[int]] = field(default_factory=list)  # log indexes each client saw acknowledged, in order
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)


async def _client(client: httpx.AsyncClient, scenario: Scenario, casts: list[tuple[int, str, dict]],
                  outcome: Outcome, seen: list[int]) -> None:
    for number, member, choice in casts:
        try:
            response = await client.put(scenario.vote_path(number, member), json=choice,
                                        headers=scenario.headers(member))
        except httpx.HTTPError as error:
            outcome.failures[type(error).__name__] += 1
            continue
        outcome.statuses[response.status_code] += 1
        if response.status_code == 200:
            data = response.json()
            outcome.acks.append(Ack(scenario.slug, number, member, data["vote"]["vote"], data["log_index"]))
            seen.append(data["log_index"])


async def _storm(url: str, scenario: Scenario, total: int, clients: int, start_at: float) -> Outcome:
    import random

    rng = random.Random(total)
    outcome = Outcome()
    members = sorted(scenario.reps)
    plans = [[] for _ in range(clients)]
    for n in range(total):
        number, kind = list(scenario.ballots.items())[n % len(scenario.ballots)]
        plans[n % clients].append((number, members[n % len(members)], random_vote(kind, rng)))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        outcome.per_client = [[] for _ in range(clients)]
        await asyncio.gather(*(_client(client, scenario, plan, outcome, seen)
                               for plan, seen in zip(plans, outcome.per_client)))
    return outcome


def cast_storm(url: str, scenario: Scenario, *, total: int, clients: int, start_at: float = 0.0) -> Outcome:
    """``total`` casts spread over every member and ballot by ``clients`` concurrent clients, from ``start_at``."""
    # A thread of its own: an event loop may already run in this one (Playwright's sync API in the same session).
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, _storm(url, scenario, total, clients, start_at)).result()
