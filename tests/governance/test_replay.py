"""The tables are derivable from the log alone: replay a coalition's events and compare with what is stored."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import demo
from app.db import read_session, write_session
from app.logkeys import LogKeys
from app.tasks import signed_write_session
from governance import accounts, ballots, coalitions, comments, members, proposals
from governance.clock import iso
from governance.log.canonical import parse_event
from governance.log.recount import vote_commitment
from governance.log.replay import (ReplayError, ReplayedAccount, ReplayedMember, ReplayedProposal, ReplayedVote,
                                   WeightRecord, replay)
from governance.log.replayed import ReplayedComment
from governance.models import (Account, Ballot, Coalition, CoalitionRule, Comment, LogEntry, Member, Proposal, Vote,
                               WeightChange)

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def stored_events(session: Session, coalition: Coalition) -> list[dict]:
    rows = session.exec(select(LogEntry).where(LogEntry.coalition_id == coalition.id).order_by(LogEntry.idx))
    return [parse_event(row.data) for row in rows]


def tables(session: Session, coalition: Coalition) -> dict:
    """The coalition's state as the tables hold it, in the shapes ``replay`` returns."""
    member_rows = session.exec(select(Member).where(Member.coalition_id == coalition.id)).all()
    slug_of = {m.id: m.slug for m in member_rows}
    proposal_rows = session.exec(select(Proposal).where(Proposal.coalition_id == coalition.id)).all()
    return {
        "coalition": (coalition.slug, coalition.name, coalition.description),
        "rules": {r.kind: r.rule for r in session.exec(select(CoalitionRule).where(
            CoalitionRule.coalition_id == coalition.id))},
        "members": {m.slug: ReplayedMember(m.slug, m.name, m.country, m.status, m.weight, m.weight_basis)
                    for m in member_rows},
        "accounts": {a.username: ReplayedAccount(a.username, a.role, slug_of.get(a.member_id), a.active)
                     for a in session.exec(select(Account).where(Account.coalition_id == coalition.id))},
        "proposals": {p.number: ReplayedProposal(p.number, p.kind, p.title, p.body, p.options, p.seats, p.payload,
                                                 slug_of.get(p.author_member_id), p.author, p.state, p.outcome,
                                                 p.version, p.charter_version)
                      for p in proposal_rows},
        "weights": [WeightRecord(w.log_idx, slug_of[w.member_id], w.old_weight, w.new_weight, w.basis, w.reason,
                                 w.actor) for w in session.exec(select(WeightChange).where(
                                     WeightChange.coalition_id == coalition.id).order_by(WeightChange.log_idx))],
        "ballots": {p.number: _ballot(session, p, slug_of) for p in proposal_rows if p.state not in ("draft", "withdrawn")},
        "comments": _comments(session, coalition, slug_of, {p.id: p.number for p in proposal_rows}),
    }


def _comments(session: Session, coalition: Coalition, slug_of: dict[int, str], number_of: dict[int, int]) -> dict:
    rows = session.exec(select(Comment).where(Comment.coalition_id == coalition.id)).all()
    comment_number = {c.id: c.number for c in rows}
    return {c.number: ReplayedComment(
        c.number, number_of[c.proposal_id], comment_number.get(c.parent_id), slug_of[c.member_id], c.author,
        [text.log_idx for _, text in comments.revisions_of(session, c)], c.hidden_text_id is not None) for c in rows}


def _ballot(session: Session, proposal: Proposal, slug_of: dict[int, str]) -> dict:
    ballot = session.exec(select(Ballot).where(Ballot.proposal_id == proposal.id)).one()
    seed = session.get(LogEntry, (ballot.coalition_id, ballot.opened_idx)).leaf_hash.hex()[:16]
    sealed = ballot.status == "open"  # the log holds only commitments until the closing reveals the votes
    votes = {slug_of[v.member_id]: ReplayedVote(
        slug_of[v.member_id], None if sealed else v.choice, v.account, v.log_idx, v.casts,
        vote_commitment(number=proposal.number, member=slug_of[v.member_id], vote=v.choice, salt=v.salt))
        for v in session.exec(select(Vote).where(Vote.ballot_id == ballot.id))}
    return {"rule": ballot.rule, "eligible": ballot.eligible, "options": proposal.options, "seats": proposal.seats,
            "closes_at": iso(ballot.closes_at), "live_results": ballot.live_results, "opened_idx": ballot.opened_idx,
            "seed": seed, "status": ballot.status, "votes": votes, "result": ballot.result,
            "closed_at": iso(ballot.closed_at), "closed_idx": ballot.closed_idx}


def replayed(events: list[dict]) -> dict:
    log = replay(events)
    ballot_fields = ("rule", "eligible", "options", "seats", "closes_at", "live_results", "opened_idx", "seed",
                     "status", "votes", "result", "closed_at", "closed_idx")
    return {
        "coalition": (log.slug, log.name, log.description), "rules": log.rules, "members": log.members,
        "accounts": log.accounts, "proposals": log.proposals, "weights": log.weights,
        "ballots": {n: {f: getattr(b, f) for f in ballot_fields} for n, b in log.ballots.items()},
        "comments": log.comments,
    }


def test_the_demo_coalition_replays_to_exactly_its_tables(engine, settings) -> None:
    keys = LogKeys(settings.key_dir, settings.log_host)
    with signed_write_session(engine, keys) as session:
        demo._populate(session, keys)
        session.commit()

    with read_session(engine) as session:
        coalition = coalitions.get_coalition(session, demo.SLUG)
        events, state = stored_events(session, coalition), tables(session, coalition)

    assert replayed(events) == state
    # seven closed in app.demo, two more in app.demo_deliberation (the agenda's and an amendment's)
    assert len(state["members"]) == 13 and [b["status"] for b in state["ballots"].values()].count("closed") == 9
    # six on the training proposal (#10), and on the double majority (#14) a question and its reply (demo._heard_by_mail)
    assert len(state["comments"]) == 8 and state["proposals"][10].version == 3
    assert replay(events).log_key == keys.verifier_key(demo.SLUG)


def _scenario(session: Session) -> None:
    """Every kind of event: status changes, weights, edits, withdrawals, a rule change and an admission adopted
    by ballot, a consensus block, a ranked choice, an early close, closes at the deadline, a revoked account."""
    at = lambda days: START + timedelta(days=days)  # noqa: E731
    coalition, admin = coalitions.create_coalition(session, slug="net", name="Peace Net", description="Scenario.",
                                                   admin_username="sec", admin_password=PASSWORD, now=at(0))
    orgs, reps = {}, {}
    for slug, weight in (("ferry", "12.5"), ("harbour", "30"), ("lantern", "7"), ("orchard", "0.5")):
        orgs[slug] = members.admit_member(session, coalition=coalition, actor="sec", name=slug.title(), slug=slug,
                                          weight=weight, basis=f"{weight} members", country="Yemen", now=at(0))
        reps[slug] = accounts.create_account(session, coalition=coalition, actor="sec", username=f"rep-{slug}",
                                             password=PASSWORD, role="representative", member=orgs[slug], now=at(0))
    spare = accounts.create_account(session, coalition=coalition, actor="sec", username="rep-ferry-2",
                                    password=PASSWORD, role="representative", member=orgs["ferry"], now=at(0))
    members.change_weight(session, coalition=coalition, actor="sec", member=orgs["harbour"], weight="25",
                          basis="audited", reason="Audit", now=at(1))
    members.change_status(session, coalition=coalition, actor="sec", member=orgs["orchard"], action="suspend",
                          reason="Unpaid fees")
    accounts.revoke_account(session, coalition=coalition, actor=admin, account=spare, now=at(1))

    def proposal(author, title, kind="decision", **extra):  # noqa: ANN001, ANN202
        return proposals.create_proposal(session, coalition=coalition, author=author, kind=kind, title=title,
                                         body="Body *text*.", now=at(2), **extra)

    def ballot(item, days, votes, rule=None):  # noqa: ANN001, ANN202
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=item, now=at(2), rule=rule,
                            closes_at=at(2 + days))
        for slug, vote in votes.items():
            ballots.cast_vote(session, coalition=coalition, actor=reps[slug], proposal=item, member=orgs[slug],
                              vote=vote, now=at(3))

    rule_change = proposal(reps["ferry"], "Weighted decisions", kind="rule_change",
                           payload={"rules": {"decision": {"counting": "weighted"}}})
    admission = proposal(admin, "Admit the Mill", kind="admission",
                         payload={"name": "Mill Collective", "weight": "3.25", "country": "Sudan"})
    blocked, withdrawn = proposal(reps["harbour"], "Move office"), proposal(reps["lantern"], "Withdrawn idea")
    choice = proposal(admin, "Campaign theme", kind="choice", options=["Aid", "Justice", "Talks"])
    proposals.edit_proposal(session, coalition=coalition, actor=reps["lantern"], proposal=withdrawn,
                            title="Withdrawn idea, edited", body=None, options=None, seats=None, now=at(2))
    proposals.withdraw_proposal(session, coalition=coalition, actor=reps["lantern"], proposal=withdrawn,
                                reason="Merged elsewhere", now=at(2))
    yes, no = {"choice": "yes"}, {"choice": "no"}
    ballot(rule_change, 5, {"ferry": yes, "harbour": yes, "lantern": no})
    ballot(admission, 5, {"ferry": yes, "harbour": yes, "lantern": {"choice": "abstain"}})
    ballot(blocked, 9, {"ferry": yes, "harbour": {"choice": "block"}}, rule={"consensus": True})
    ballot(choice, 5, {"ferry": {"ranking": ["Talks", "Aid"]}, "harbour": {"ranking": ["Aid", ["Talks", "Justice"]]},
                       "lantern": {"ranking": ["Talks"]}})
    ballots.cast_vote(session, coalition=coalition, actor=reps["lantern"], proposal=rule_change,
                      member=orgs["lantern"], vote=yes, now=at(4))
    members.change_weight(session, coalition=coalition, actor="sec", member=orgs["ferry"], weight="14",
                          basis=None, reason="New members", now=at(4))
    ballots.close_ballot(session, coalition=coalition, proposal=blocked, now=at(5), actor=admin)
    ballots.close_due(session, coalition=coalition, now=at(8))
    members.change_status(session, coalition=coalition, actor="sec", member=orgs["orchard"], action="readmit",
                          reason="Fees paid")
    members.change_status(session, coalition=coalition, actor="sec", member=orgs["lantern"], action="leave",
                          reason="Dissolved")
    late = proposal(reps["ferry"], "Open question")
    ballot(late, 30, {"ferry": no, "orchard": yes})


@pytest.fixture
def scenario(engine) -> list[dict]:  # noqa: ANN001
    with write_session(engine) as session:
        _scenario(session)
        session.commit()
    with read_session(engine) as session:
        return stored_events(session, coalitions.get_coalition(session, "net"))


def test_a_scenario_with_every_kind_of_event_replays_to_exactly_its_tables(engine, scenario) -> None:
    with read_session(engine) as session:
        state = tables(session, coalitions.get_coalition(session, "net"))

    assert replayed(scenario) == state
    assert {e["type"] for e in scenario} == {
        "coalition.created", "member.admitted", "member.suspended", "member.readmitted", "member.left",
        "weight.changed", "account.granted", "account.revoked", "proposal.created", "proposal.edited",
        "proposal.withdrawn", "ballot.opened", "vote.cast", "ballot.closed", "rules.changed"}
    outcomes = {n: (p.state, p.outcome) for n, p in state["proposals"].items()}
    assert outcomes == {1: ("closed", "passed"), 2: ("closed", "passed"), 3: ("closed", "rejected"),
                        4: ("withdrawn", "withdrawn"), 5: ("closed", "decided"), 6: ("open", None)}
    assert state["rules"]["decision"]["counting"] == "weighted"
    assert state["members"]["mill-collective"].weight == "3.25"
    assert state["ballots"][5]["result"]["winners"] == ["Talks"]


def tamper(events: list[dict], index: int, change) -> list[dict]:  # noqa: ANN001
    events = copy.deepcopy(events)
    change(events[index])
    return events


def position(events: list[dict], type_: str, nth: int = 0) -> int:
    return [e["idx"] for e in events if e["type"] == type_][nth]


def test_replay_names_the_entry_of_a_vote_by_a_member_that_was_not_eligible(scenario) -> None:
    index = [e["idx"] for e in scenario if e["type"] == "vote.cast" and e["body"]["number"] == 6][0]

    def by_departed_member(event: dict) -> None:
        event["body"]["member"] = "lantern"

    with pytest.raises(ReplayError, match=rf"^log entry {index}: 'lantern' voted but was not eligible"):
        replay(tamper(scenario, index, by_departed_member))


def test_replay_names_the_entry_of_a_result_that_differs_from_the_recount(scenario) -> None:
    index = position(scenario, "ballot.closed", 1)

    def flipped(event: dict) -> None:
        event["body"]["result"]["members"]["yes"] += 1

    with pytest.raises(ReplayError, match=rf"^log entry {index}: the recorded result of #\d differs from the recount"):
        replay(tamper(scenario, index, flipped))


def test_replay_refuses_a_missing_entry_a_vote_after_closing_and_a_forged_weight(scenario) -> None:
    gap = position(scenario, "weight.changed")
    closed = position(scenario, "ballot.closed")
    number = scenario[closed]["body"]["number"]
    vote = next(e for e in scenario if e["type"] == "vote.cast" and e["body"]["number"] == number)
    late_vote = [*copy.deepcopy(scenario[:closed + 1]), {**copy.deepcopy(vote), "idx": closed + 1,
                                                                 "ts": scenario[closed]["ts"]}]

    def forged(event: dict) -> None:
        event["body"]["old"] = "99"

    with pytest.raises(ReplayError, match=rf"^log entry {gap}: the entry says it is entry {gap + 1}"):
        replay(scenario[:gap] + scenario[gap + 1:])
    with pytest.raises(ReplayError, match=rf"^log entry {closed + 1}: the ballot on proposal #{number} is already closed"):
        replay(late_vote)
    with pytest.raises(ReplayError, match=rf"^log entry {gap}: old weight '99' is not harbour's '30'"):
        replay(tamper(scenario, gap, forged))


def test_replay_requires_the_effect_of_a_passed_rule_change(scenario) -> None:
    index = position(scenario, "rules.changed")

    with pytest.raises(ReplayError, match=rf"^log entry {index}: proposal #1 passed, so this entry must be its rules"):
        replay(scenario[:index] + [{**e, "idx": e["idx"] - 1} for e in scenario[index + 1:]])


def test_replay_refuses_a_closing_whose_revealed_vote_does_not_open_its_commitment(scenario) -> None:
    closing = next(e for e in scenario if e["type"] == "ballot.closed" and e["body"]["votes"])
    member, reveal = next(iter(closing["body"]["votes"].items()))
    forged = copy.deepcopy(scenario)
    forged_reveal = forged[closing["idx"]]["body"]["votes"][member]
    forged_reveal["salt"] = "0" * 32 if reveal["salt"] != "0" * 32 else "1" * 32

    with pytest.raises(ReplayError, match=rf"^log entry {closing['idx']}: the revealed vote of {member!r} does not match"):
        replay(forged)


def test_a_rule_change_written_in_the_form_before_the_charter_still_replays(scenario) -> None:
    legacy = copy.deepcopy(scenario)
    created = next(e for e in legacy if e["type"] == "proposal.created" and e["body"]["kind"] == "rule_change")
    (kind, rule), = created["body"]["payload"]["rules"].items()
    created["body"]["payload"] = {"kind": kind, "rule": rule}

    log = replay(legacy)

    assert log.rules[kind] == rule and log.proposals[created["body"]["number"]].outcome == "passed"


def test_a_log_begun_before_the_charter_kinds_existed_may_change_their_rules(scenario) -> None:
    older = copy.deepcopy(scenario)
    del older[0]["body"]["rules"]["weight_change"]
    closing = next(e for e in older if e["type"] == "rules.changed")
    changed = {**copy.deepcopy(closing), "body": {**closing["body"], "kind": "weight_change"}}
    changed["body"]["proposal"], changed["body"]["actor"] = None, "sec"
    index = closing["idx"] + 1
    shifted = [*older[:index], {**changed, "idx": index}, *[{**e, "idx": e["idx"] + 1} for e in older[index:]]]

    log = replay(shifted)

    assert log.rules["weight_change"] == closing["body"]["rule"]
