"""Rows written together (one round trip on PostgreSQL) land as the same statements would write them one by one."""

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.db import read_session, write_session
from governance import ballots
from governance.models import Ballot, Coalition, LogNode, Member, Proposal, Vote
from governance.pipelined import write_all
from tests.app.support import quick_coalition, snapshot
from tests.factories import make_proposal, open_ballot

NODES = insert(LogNode.__table__)


def _nodes(engine, coalition_id: int) -> list[tuple]:  # noqa: ANN001
    """The nodes these tests write (levels 40 and up, far above any real log's)."""
    with read_session(engine) as session:
        return [tuple(row) for row in session.execute(
            select(LogNode.level, LogNode.index, LogNode.hash).where(LogNode.coalition_id == coalition_id,
                                                                     LogNode.level >= 40)
            .order_by(LogNode.level, LogNode.index))]


def _ids(engine, slug: str, number: int) -> tuple[int, int, dict[str, int]]:  # noqa: ANN001
    """The coalition's id, its proposal's ballot id, its members' ids by slug."""
    with read_session(engine) as session:
        coalition = session.execute(select(Coalition.id).where(Coalition.slug == slug)).scalar_one()
        ballot = session.execute(select(Ballot.id).join(Proposal, Ballot.proposal_id == Proposal.id).where(
            Proposal.coalition_id == coalition, Proposal.number == number)).scalar_one()
        members = dict(session.execute(select(Member.slug, Member.id).where(Member.coalition_id == coalition)).all())
    return coalition, ballot, members


def test_rows_of_several_statements_are_written_in_order_with_json_and_times(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, slug="pipe", members={"a": 1, "b": 2})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    coalition_id, ballot_id, member_ids = _ids(engine, fixture.slug, number)
    with write_session(engine) as session:
        write_all(session, [
            (NODES, [{"coalition_id": coalition_id, "level": 40, "index": i, "hash": bytes([i]) * 32}
                     for i in range(3)]),
            (NODES, []),  # nothing to write: skipped
            (ballots.vote_upsert(engine.dialect.name), [
                {"ballot_id": ballot_id, "member_id": member_ids["a"], "choice": {"choice": "yes"}, "account": "x",
                 "cast_at": clock.now, "log_idx": 7, "casts": 2, "salt": "s"}]),
        ])
        session.commit()
    assert _nodes(engine, coalition_id) == [(40, i, bytes([i]) * 32) for i in range(3)]
    with read_session(engine) as session:
        vote = session.execute(select(Vote).where(Vote.ballot_id == ballot_id)).scalar_one()
    assert (vote.member_id, vote.choice, vote.casts, vote.log_idx, vote.cast_at) == (
        member_ids["a"], {"choice": "yes"}, 2, 7, clock.now)


def test_a_refused_row_raises_sqlalchemys_error_and_the_transaction_writes_nothing(app, engine) -> None:
    quick_coalition(app, slug="pipe", members={"a": 1})
    with read_session(engine) as session:
        coalition_id = session.execute(select(Coalition.id).where(Coalition.slug == "pipe")).scalar_one()
    before = snapshot(engine)
    row = {"coalition_id": coalition_id, "level": 41, "index": 0, "hash": b"\x01" * 32}
    with pytest.raises(IntegrityError):
        with write_session(engine) as session:
            write_all(session, [(NODES, [row]), (NODES, [{**row, "hash": b"\x02" * 32}])])  # the same key twice
            session.commit()
    assert snapshot(engine) == before
