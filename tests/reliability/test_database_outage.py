"""PostgreSQL stopped under load: Concord answers 503 with a clear JSON message, never hangs or 500s, and recovers."""

import asyncio
import threading

import pytest

from tests.reliability import servers
from tests.reliability.driver import Stats, drive
from tests.reliability.outage import probe_through_outage
from tests.reliability.scenario import seed

pytestmark = [pytest.mark.slow, pytest.mark.pgstop]


def test_a_database_outage_gives_clear_503s_and_concord_recovers_by_itself(pg_url: str, key_dir, tmp_path) -> None:
    scenario = seed(pg_url, key_dir, slug="outage", members_count=6, decisions=2)
    background = Stats()
    stop = threading.Event()
    with servers.Server(pg_url, key_dir, workers=2, log_path=tmp_path / "server.log") as server:
        load = threading.Thread(target=lambda: asyncio.run(drive(
            server.url, [scenario], clients=4, observers=1, seconds=120, timeout=30, stats=background, stop=stop)))
        load.start()
        try:
            outage = probe_through_outage(server, scenario, down_for=6.0)
        finally:
            stop.set()
            load.join(timeout=60)
        log = server.log_tail(40)

    assert outage.statuses[503] > 0, outage
    assert set(outage.statuses) <= {200, 503}, outage.statuses
    assert outage.hangs == 0
    assert all("database is unavailable" in b["body"]["detail"] and b["retry_after"] for b in outage.bodies)
    assert outage.recovered_after is not None, f"no vote succeeded after the database came back:\n{log}"
    assert not [key for key in background.statuses if key[1] not in (200, 503)], background.statuses
