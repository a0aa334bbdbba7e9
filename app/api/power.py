"""Power analysis: each rule's power report, who was pivotal in past ballots, and rule what-ifs."""

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field
from sqlmodel import select

from app.api.common import coalition_router
from app.api.schemas import Strict
from app.budget import power_reports
from app.deps import SessionDep, client_address, get_optional_account
from governance import coalitions, members, power, rules
from governance.errors import RuleViolation
from governance.log.recount import count_ballot
from governance.models import Ballot, Member, Proposal, Vote
from voting.exact import format_exact

router = coalition_router("power")


class RulePower(BaseModel):
    kind: str
    rule_description: str
    report: dict[str, Any]


class PowerPage(BaseModel):
    model: str
    members: int
    reports: list[RulePower]


class WhatIf(Strict):
    kind: Literal["decision", "rule_change", "admission"] = "decision"
    rule: dict[str, Any] | None = Field(default=None, description="A yes/no rule; default: the current one.")
    weights: dict[str, int | Decimal | str] = Field(default_factory=dict, description="Member slug -> new weight.")


class ChangedOutcome(BaseModel):
    number: int
    title: str
    recorded: str
    would_be: str


class WhatIfResult(BaseModel):
    kind: str
    current: RulePower
    proposed: RulePower
    changed_outcomes: list[ChangedOutcome]
    ballots_recounted: int


class BallotPivots(BaseModel):
    number: int
    title: str
    outcome: str
    pivotal: dict[str, list[str]]


class MemberRecord(BaseModel):
    member: str
    name: str
    ballots: int
    successes: int
    success_rate: str | None
    pivotal: int


class PowerHistory(BaseModel):
    ballots: list[BallotPivots]
    members: list[MemberRecord]


def _eligible(session, coalition) -> list[dict[str, str]]:  # noqa: ANN001
    rows = members.list_members(session, coalition=coalition, status="active", limit=100_000)
    return [{"member": m.slug, "name": m.name, "weight": m.weight} for m in rows]


def game_key(kind: str, rule: dict, eligible: Sequence[dict]) -> tuple:
    return kind, json.dumps(rule, sort_keys=True, default=str), tuple(
        (row["member"], row.get("name", ""), str(row["weight"])) for row in eligible)


def rule_powers(request: Request, games: Sequence[tuple[str, dict, list[dict[str, str]]]]) -> list[RulePower]:
    """Each (kind, rule, members) game's power report, computed by the app's budgeted workers (app/budget.py)."""
    key = tuple(game_key(*game) for game in games)
    found = request.app.state.compute_budget.run(key, power_reports, [(rule, eligible) for _, rule, eligible in games])
    powers = []
    for (kind, rule, _), (report, error) in zip(games, found):
        if error is not None:
            raise RuleViolation("power analysis: %(error)s", error=error)
        powers.append(RulePower(kind=kind, rule_description=rules.describe_rule(rule), report=report))
    return powers


def budgeted_power(request: Request) -> Callable[[Mapping, list], dict]:
    """``power.power_report`` computed by the app's budgeted workers: what opening a ballot freezes with it."""
    def report(rule: Mapping, eligible: list) -> dict:
        [(found, error)] = request.app.state.compute_budget.run(
            ("ballot", game_key("", dict(rule), eligible)), power_reports, [(rule, eligible)])
        if error is not None:
            raise RuleViolation("power analysis: %(error)s", error=error)
        return found
    return report


@router.get("/power", response_model=PowerPage)
def read_power(slug: str, request: Request, session: SessionDep) -> PowerPage:
    """Each yes/no rule's power report over the active members (a priori model, everyone voting); a 503 with
    Retry-After when the reports take longer than the server's time budget (they are then ready a little later)."""
    coalition = coalitions.get_coalition(session, slug)
    eligible = _eligible(session, coalition)
    current = coalitions.get_rules(session, coalition)
    reports = rule_powers(request, [(kind, current[kind], eligible) for kind in rules.YES_NO_KINDS]) if eligible else []
    return PowerPage(model=power.MODEL, members=len(eligible), reports=reports)


def _closed_majority_ballots(session, coalition) -> list[tuple[Ballot, Proposal, dict[str, str]]]:  # noqa: ANN001
    rows = session.exec(select(Ballot, Proposal).join(Proposal).where(
        Ballot.coalition_id == coalition.id, Ballot.status == "closed").order_by(Proposal.number)).all()
    found = []
    for ballot, proposal in rows:
        if ballot.rule.get("type") != "majority":
            continue
        votes = session.exec(select(Vote, Member).join(Member).where(Vote.ballot_id == ballot.id)).all()
        found.append((ballot, proposal, {m.slug: v.choice["choice"] for v, m in votes}))
    return found


@router.get("/power/history", response_model=PowerHistory)
def read_history(slug: str, session: SessionDep) -> PowerHistory:
    """For each closed yes/no ballot, who was pivotal; for each member, how often the outcome matched its vote."""
    coalition = coalitions.get_coalition(session, slug)
    records: dict[str, dict[str, int]] = {}
    pivots = []
    for ballot, proposal, votes in _closed_majority_ballots(session, coalition):
        pivotal = power.pivotal_members(ballot.rule, ballot.eligible, votes)
        pivots.append(BallotPivots(number=proposal.number, title=proposal.title, outcome=proposal.outcome or "",
                                   pivotal=pivotal))
        for member, choice in votes.items():
            record = records.setdefault(member, {"ballots": 0, "successes": 0, "pivotal": 0})
            record["ballots"] += 1
            passed = proposal.outcome == "passed"
            record["successes"] += (choice == "yes" and passed) or (choice in ("no", "block") and not passed)
            record["pivotal"] += member in pivotal
    names = {m.slug: m.name for m in members.list_members(session, coalition=coalition, limit=100_000)}
    return PowerHistory(ballots=pivots, members=[
        MemberRecord(member=slug_, name=names.get(slug_, slug_), ballots=r["ballots"], successes=r["successes"],
                     success_rate=_ratio(r["successes"], r["ballots"]), pivotal=r["pivotal"])
        for slug_, r in sorted(records.items())])


def _ratio(part: int, whole: int) -> str | None:
    return format_exact(Fraction(part, whole)) if whole else None


@router.post("/power/what-if", response_model=WhatIfResult)
def what_if(slug: str, body: WhatIf, request: Request, session: SessionDep) -> WhatIfResult:
    """The power report under other weights or another rule, beside the current one, and which past
    outcomes would have differed; nothing is stored. Without an account, limited per address like signing in."""
    if get_optional_account(request, session) is None:
        request.app.state.what_if_limiter.check(address=client_address(request), now=request.app.state.clock())
    coalition = coalitions.get_coalition(session, slug)
    current_rule = coalitions.get_rules(session, coalition)[body.kind]
    proposed_rule = rules.normalize_rule(body.kind, body.rule) if body.rule else current_rule
    eligible = _eligible(session, coalition)
    new_weights = {}
    for member, weight in body.weights.items():
        members.get_member(session, coalition=coalition, slug=member)
        new_weights[member] = format_exact(members.parse_weight(weight))
    proposed = [{**row, "weight": new_weights.get(row["member"], row["weight"])} for row in eligible]
    changed, recounted = [], 0
    for ballot, proposal, votes in _closed_majority_ballots(session, coalition):
        if proposal.kind != body.kind:
            continue
        recounted += 1
        frozen = [{**row, "weight": new_weights.get(row["member"], row["weight"])} for row in ballot.eligible]
        would_be = count_ballot(rule=proposed_rule, eligible=frozen, votes={m: {"choice": c} for m, c in votes.items()})
        if would_be["outcome"] != proposal.outcome:
            changed.append(ChangedOutcome(number=proposal.number, title=proposal.title, recorded=proposal.outcome or "",
                                          would_be=would_be["outcome"]))
    current, proposed_power = rule_powers(request, [(body.kind, current_rule, eligible),
                                                    (body.kind, proposed_rule, proposed)])
    return WhatIfResult(kind=body.kind, current=current, proposed=proposed_power, changed_outcomes=changed,
                        ballots_recounted=recounted)
