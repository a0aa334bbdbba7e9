"""Two change proposals on the same field closing at the same moment, on 4 worker processes and PostgreSQL: one
applies, the other is superseded; never both."""

import threading
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from app.db import make_engine, read_session
from governance import accounts, ballots, coalitions, proposals
from governance.log.replay import replay
from governance.models import Charter, Proposal
from tests.app.support import log_events
from tests.reliability import servers
from tests.reliability.scenario import chartered

pytestmark = pytest.mark.slow
PAIRS = 3


def seed(url: str, key_dir) -> str:  # noqa: ANN001
    """A constituted coalition with PAIRS pairs of open weight changes, each pair on one member, all voted yes."""
    with chartered(url, key_dir, slug="race", member_slugs=[f"org-{n}" for n in range(PAIRS)],
                   settings={"durations": {"minimum_hours": 0, "default_hours": 1}}) as made:
        session, coalition, admin, now = made.session, made.coalition, made.admin, made.now
        for n in range(PAIRS):
            for weight in ("2", "3"):
                proposal = proposals.create_proposal(
                    session, coalition=coalition, author=admin, kind="weight_change", title=f"org-{n} to {weight}",
                    body="", payload={"weights": {f"org-{n}": weight}, "reason": "race"}, now=now)
                ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=now,
                                    closes_at=now + timedelta(days=1))
                for member, rep in made.reps.values():
                    ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=proposal, member=member,
                                      vote={"choice": "yes"}, now=now)
        token = accounts.issue_token(session, account=admin, name="race", now=now)[1]
    return token


def test_two_changes_to_one_field_closing_at_once_never_both_apply(pg_url: str, key_dir, tmp_path) -> None:
    token = seed(pg_url, key_dir)
    headers = {"Authorization": f"Bearer {token}"}
    statuses = []
    with servers.Server(pg_url, key_dir, workers=4, log_path=tmp_path / "server.log") as server:
        base = f"{server.url}/api/v1/coalitions/race/proposals"
        for pair in range(PAIRS):
            start = threading.Barrier(2)

            def close(number: int) -> None:
                start.wait()
                statuses.append(httpx.post(f"{base}/{number}/ballot/close", headers=headers, timeout=60).status_code)

            threads = [threading.Thread(target=close, args=(2 * pair + k,)) for k in (1, 2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    engine = make_engine(pg_url)
    with read_session(engine) as session:
        coalition = coalitions.get_coalition(session, "race")
        outcomes = {p.number: p.outcome for p in session.exec(select(Proposal).where(
            Proposal.coalition_id == coalition.id))}
        versions = session.exec(select(Charter).where(Charter.coalition_id == coalition.id)).all()
    state = replay(log_events(engine, "race"))
    engine.dispose()

    assert statuses == [200] * (2 * PAIRS)
    for pair in range(PAIRS):
        assert sorted([outcomes[2 * pair + 1], outcomes[2 * pair + 2]]) == ["passed", "superseded"]
    assert len(versions) == 1 + PAIRS
    assert [v.sha256 for v in sorted(versions, key=lambda v: v.version)] == state.charter_hashes
