"""Random sequences of change proposals, voted and closed in random order: the verifier's replay of the log reaches
the charter the service stored, version by version and hash by hash, and the same members, rules and outcomes."""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app.db import write_session
from governance import accounts, ballots, charter, coalitions, members, proposals
from governance.errors import DomainError
from governance.log.replay import replay
from governance.models import Account, Charter
from tests.governance.test_replay import stored_events, tables

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SLUGS = ("ferry", "harbour", "lantern", "orchard", "quarry")
COUNTER = itertools.count()

change = st.one_of(
    st.tuples(st.just("weight_change"), st.sampled_from(SLUGS), st.sampled_from(["0", "1", "2.5", "7", "12"])),
    st.tuples(st.just("rule_change"), st.sampled_from(["decision", "weight_change", "suspension", "rule_change"]),
              st.sampled_from(["equal", "weighted", "double"])),
    st.tuples(st.sampled_from(["suspension", "readmission", "expulsion"]), st.sampled_from(SLUGS), st.just("")),
    st.tuples(st.just("admission"), st.sampled_from(["Mill", "Quarry", "Salt"]), st.sampled_from(["1", "3"])),
    st.tuples(st.just("charter_amendment"), st.sampled_from(["witness_quorum", "text", "moderators"]),
              st.sampled_from(["0", "1", "2"])),
)
step = st.tuples(change, st.lists(st.sampled_from(["yes", "no", "abstain"]), min_size=5, max_size=5),
                 st.integers(0, 3))


def payload(kind: str, first: str, second: str) -> dict:
    if kind == "weight_change":
        return {"weights": {first: second}, "reason": "census"}
    if kind == "rule_change":
        return {"rules": {first: {"counting": second}}}
    if kind == "admission":
        return {"name": first, "slug": first.lower(), "weight": second}
    if kind == "charter_amendment":
        value = {"witness_quorum": int(second), "moderators": [SLUGS[int(second)]]}.get(first)
        return {"text": f"Charter {second}"} if first == "text" else {"settings": {first: value}}
    return {"member": first, "reason": "because"}


def _build(session, slug: str) -> tuple:  # noqa: ANN001
    coalition, admin = coalitions.create_coalition(session, slug=slug, name=slug.title(), description="",
                                                   admin_username=f"{slug}-sec", admin_password="correct horse battery",
                                                   now=START)
    reps = {}
    for n, name in enumerate(SLUGS):
        member = members.admit_member(session, coalition=coalition, actor=admin.username, name=name.title(),
                                      slug=name, weight=str(n + 1), now=START)
        reps[name] = accounts.create_account(session, coalition=coalition, actor=admin.username, member=member,
                                             username=f"{slug}-{name}", password="correct horse battery",
                                             role="representative", now=START)
    charter.found_charter(session, coalition=coalition, actor=admin, text="Founding text", now=START,
                          settings_={"durations": {"minimum_hours": 1, "default_hours": 24}})
    return coalition, admin, reps


def _run(session, coalition, admin, reps, steps) -> None:  # noqa: ANN001
    """Each step drafts a change (if its payload is valid now) and opens its ballot; votes are cast; ballots close
    a few steps later, so that changes written against the same version land one after another."""
    now = START
    for (kind, first, second), votes, delay in steps:
        now += timedelta(hours=2)
        try:
            proposal = proposals.create_proposal(session, coalition=coalition, author=admin, kind=kind, title=kind,
                                                 body="", payload=payload(kind, first, second), now=now)
        except DomainError:
            continue
        ballot = ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=now,
                                     closes_at=now + timedelta(hours=2 + 2 * delay))
        for row, choice in zip(ballot.eligible, votes, strict=False):
            if row["member"] not in reps:  # admitted by an earlier change: it has no representative here
                continue
            ballots.cast_vote(session, coalition=coalition, actor=reps[row["member"]], member=members.get_member(
                session, coalition=coalition, slug=row["member"]), proposal=proposal, vote={"choice": choice}, now=now)
        ballots.close_due(session, coalition=coalition, now=now)
    ballots.close_due(session, coalition=coalition, now=now + timedelta(days=30))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_random_change_sequences_replay_to_the_stored_charter(engine, steps):
    slug = f"c{next(COUNTER)}"
    with write_session(engine) as session:
        coalition, admin, reps = _build(session, slug)
        _run(session, coalition, admin, reps, steps)
        session.commit()

    with write_session(engine) as session:
        coalition = coalitions.get_coalition(session, slug)
        state = replay(stored_events(session, coalition))
        versions = session.exec(select(Charter).where(Charter.coalition_id == coalition.id)
                                .order_by(Charter.version)).all()
        assert [{"text": v.text, "rules": v.rules} for v in versions] == state.charters
        assert [v.sha256 for v in versions] == state.charter_hashes
        stored = tables(session, coalition)
        assert stored["members"] == state.members and stored["rules"] == state.rules
        assert {n: p.outcome for n, p in stored["proposals"].items()} == {
            n: p.outcome for n, p in state.proposals.items()}
        assert session.exec(select(Account).where(Account.coalition_id == coalition.id)).first() is not None
