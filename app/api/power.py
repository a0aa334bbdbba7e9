"""Power analysis: each rule's power report, who was pivotal in past ballots, and rule what-ifs."""


from decimal import Decimal
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field

from app.api.common import coalition_router
from app.api.schemas import Strict
from app.budget import budgeted_rule_powers
from app.deps import SessionDep, limit_anonymous_what_ifs
from governance import coalitions, power, rules

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


@router.get("/power", response_model=PowerPage)
def read_power(slug: str, request: Request, session: SessionDep) -> PowerPage:
    """Each yes/no rule's power report over the active members (a priori model, everyone voting); a 503 with
    Retry-After when the reports take longer than the server's time budget (they are then ready a little later)."""
    coalition = coalitions.get_coalition(session, slug)
    eligible = power.eligible_rows(session, coalition=coalition)
    current = coalitions.get_rules(session, coalition)
    games = [(kind, current[kind], eligible) for kind in rules.YES_NO_KINDS]
    reports = [_public(found) for found in budgeted_rule_powers(request)(games)] if eligible else []
    return PowerPage(model=power.MODEL, members=len(eligible), reports=reports)


def _public(rule_power: power.RulePower) -> RulePower:
    return RulePower.model_validate(rule_power, from_attributes=True)


@router.get("/power/history", response_model=PowerHistory)
def read_history(slug: str, session: SessionDep) -> PowerHistory:
    """For each closed yes/no ballot, who was pivotal; for each member, how often the outcome matched its vote."""
    history = power.power_history(session, coalition=coalitions.get_coalition(session, slug))
    return PowerHistory.model_validate(history, from_attributes=True)


@router.post("/power/what-if", response_model=WhatIfResult)
def what_if(slug: str, body: WhatIf, request: Request, session: SessionDep) -> WhatIfResult:
    """The power report under other weights or another rule, beside the current one, and which past
    outcomes would have differed; nothing is stored. Without an account, limited per address like signing in."""
    limit_anonymous_what_ifs(request, session)
    outcome = power.what_if(session, coalition=coalitions.get_coalition(session, slug), kind=body.kind,
                            rule=body.rule, weights=body.weights, rule_powers=budgeted_rule_powers(request))
    return WhatIfResult.model_validate(outcome, from_attributes=True)
