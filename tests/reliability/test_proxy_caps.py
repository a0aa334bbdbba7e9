"""Proxy caps under concurrent acceptances, on 4 worker processes and PostgreSQL: one holder is offered 8 proxies at
once and accepts them all at the same moment; the charter lets it hold 2, so exactly 2 are accepted."""

import threading
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from app.db import make_engine, read_session, write_session
from app.logkeys import LogKeys
from governance import accounts, charter, coalitions, members, proxies
from governance.clock import utcnow
from governance.log.replay import replay
from governance.models import Proxy
from tests.app.support import log_events
from tests.reliability import servers
from tests.reliability.scenario import PASSWORD, _cheap_hashing

pytestmark = pytest.mark.slow
GRANTORS, MAX_HELD = 8, 2


def seed(url: str, key_dir) -> str:  # noqa: ANN001
    """A constituted coalition: a holder, GRANTORS members each offering it a proxy; the holder's API token."""
    _cheap_hashing()
    engine, keys, now = make_engine(url), LogKeys(key_dir, "concord.test"), utcnow()
    with write_session(engine) as session:
        session.info["log_signer"] = keys.signer()
        coalition, admin = coalitions.create_coalition(session, slug="caps", name="Caps", description="",
                                                       admin_username="caps-admin", admin_password=PASSWORD, now=now,
                                                       log_key=keys.verifier_key("caps"))
        reps = {}
        for slug in ["holder", *(f"org-{n}" for n in range(GRANTORS))]:
            member = members.admit_member(session, coalition=coalition, actor=admin.username, name=slug.title(),
                                          slug=slug, weight="1", now=now)
            reps[slug] = (member, accounts.create_account(session, coalition=coalition, actor=admin.username,
                                                          username=f"caps-{slug}", password=PASSWORD,
                                                          role="representative", member=member, now=now))
        charter.found_charter(session, coalition=coalition, actor=admin, text="Caps charter", now=now, settings_={
            "proxy_caps": {"max_held": MAX_HELD, "max_weight_share": "0.9"}})
        holder = reps.pop("holder")
        for member, rep in reps.values():
            proxies.grant_proxy(session, coalition=coalition, actor=rep, grantor=member, holder=holder[0],
                                until=now + timedelta(days=30), now=now)
        token = accounts.issue_token(session, account=holder[1], name="caps", now=now)[1]
        session.commit()
    engine.dispose()
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
