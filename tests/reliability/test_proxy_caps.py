"""Proxy caps under concurrent acceptances, on 4 worker processes and PostgreSQL: one holder is offered 8 proxies at
once and accepts them all at the same moment; the charter lets it hold 2, so exactly 2 are accepted."""

import threading
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from app.db import make_engine, read_session
from governance import accounts, proxies
from governance.log.replay import replay
from governance.models import Proxy
from tests.app.support import log_events
from tests.reliability import servers
from tests.reliability.scenario import chartered

pytestmark = pytest.mark.slow
GRANTORS, MAX_HELD = 8, 2


def seed(url: str, key_dir) -> str:  # noqa: ANN001
    """A constituted coalition: a holder, GRANTORS members each offering it a proxy; the holder's API token."""
    settings = {"proxy_caps": {"max_held": MAX_HELD, "max_weight_share": "0.9"}}
    with chartered(url, key_dir, slug="caps", member_slugs=["holder", *(f"org-{n}" for n in range(GRANTORS))],
                   settings=settings) as made:
        holder = made.reps.pop("holder")
        for member, rep in made.reps.values():
            proxies.grant_proxy(made.session, coalition=made.coalition, actor=rep, grantor=member, holder=holder[0],
                                until=made.now + timedelta(days=30), now=made.now)
        token = accounts.issue_token(made.session, account=holder[1], name="caps", now=made.now)[1]
    return token


def test_concurrent_acceptances_on_four_workers_never_pass_the_cap(pg_url: str, key_dir, tmp_path) -> None:
    token = seed(pg_url, key_dir)
    statuses = []
    with servers.Server(pg_url, key_dir, workers=4, log_path=tmp_path / "server.log") as server:
        start = threading.Barrier(GRANTORS)

        def accept(number: int) -> None:
            start.wait()
            statuses.append(httpx.post(f"{server.url}/api/v1/coalitions/caps/proxies/{number}/accept",
                                       headers={"Authorization": f"Bearer {token}"}, timeout=60).status_code)

        threads = [threading.Thread(target=accept, args=(n,)) for n in range(1, GRANTORS + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    engine = make_engine(pg_url)
    with read_session(engine) as session:
        rows = session.exec(select(Proxy.status)).all()
    state = replay(log_events(engine, "caps"))
    engine.dispose()

    assert sorted(statuses) == [200] * MAX_HELD + [409] * (GRANTORS - MAX_HELD)
    assert sorted(rows) == ["accepted"] * MAX_HELD + ["pending"] * (GRANTORS - MAX_HELD)
    assert sum(grant.status == "accepted" for grant in state.proxies.values()) == MAX_HELD
