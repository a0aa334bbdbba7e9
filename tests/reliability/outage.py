"""Take PostgreSQL away under load for a few seconds and watch what Concord answers, then bring it back."""

import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.reliability import servers
from tests.reliability.scenario import Scenario

__all__ = ["Outage", "probe_through_outage"]


@dataclass
class Outage:
    """Answers seen while the database was down, and how long recovery took once it was back."""

    statuses: Counter = field(default_factory=Counter)
    slowest: float = 0.0
    bodies: list[dict] = field(default_factory=list)
    hangs: int = 0
    recovered_after: float | None = None
    down_seconds: float = 0.0


def _probe(client: httpx.Client, scenario: Scenario, outage: Outage, timeout: float) -> int | None:
    number = next(iter(scenario.ballots))
    member = next(iter(scenario.reps))
    started = time.monotonic()
    try:
        response = client.put(scenario.vote_path(number, member), json={"choice": "yes"},
                              headers=scenario.headers(member), timeout=timeout)
    except httpx.TimeoutException:
        outage.hangs += 1
        return None
    except httpx.HTTPError:
        return None
    outage.slowest = max(outage.slowest, time.monotonic() - started)
    outage.statuses[response.status_code] += 1
    if response.status_code != 200 and len(outage.bodies) < 5:
        outage.bodies.append({"status": response.status_code, "body": response.json(),
                              "retry_after": response.headers.get("retry-after")})
    return response.status_code


def probe_through_outage(server: servers.Server, scenario: Scenario, *, down_for: float = 6.0,
                         timeout: float = 30.0, recover_within: float = 90.0) -> Outage:
    """Stop PostgreSQL for ``down_for`` seconds while voting; always start it again; time the recovery."""
    outage = Outage()
    with httpx.Client(base_url=server.url) as client:
        stopped = time.monotonic()
        try:
            servers.stop_postgres()
            while time.monotonic() - stopped < down_for:
                _probe(client, scenario, outage, timeout)
        finally:
            servers.start_postgres()
            outage.down_seconds = time.monotonic() - stopped
        back = time.monotonic()
        while time.monotonic() - back < recover_within:
            if _probe(client, scenario, outage, timeout) == 200:
                outage.recovered_after = time.monotonic() - back
                break
            time.sleep(0.2)
    return outage
