"""Proposals, their ballots and votes."""

from fastapi import Query, Request, status

from app.api.common import Limit, Offset, coalition_router
from app.api.proposal_schemas import ProposalCreate, payload_of
from app.api.schemas import (BallotOpen, BallotPublic, BallotSigning, EligibleMember, Page, ProposalList, ProposalPublic,
                             ProposalUpdate, VoteList, Withdrawal)
from app.budget import budgeted_power
from app.deps import CurrentAccountDep, NowDep, OptionalAccountDep, SessionDep, require_admin, require_member_of
from app.markdown import render_markdown
from app.vote_writer import vote_public
from governance import ballots, coalitions, power, proposals, proxies, rules, signed_votes
from governance.log.recount import count_ballot
from governance.models import Ballot, Coalition, Member, Proposal, Vote

router = coalition_router("proposals")


def public(session, proposal: Proposal) -> ProposalPublic:  # noqa: ANN001
    member = session.get(Member, proposal.author_member_id) if proposal.author_member_id else None
    return ProposalPublic(number=proposal.number, kind=proposal.kind, title=proposal.title, body=proposal.body,
                          body_html=render_markdown(proposal.body), options=proposal.options, seats=proposal.seats,
                          payload=proposal.payload, author=proposal.author, author_member=member.slug if member else None,
                          state=proposal.state, outcome=proposal.outcome, outcome_reason=proposal.outcome_reason,
                          charter_version=proposal.charter_version, impact=proposal.impact,
                          created_at=proposal.created_at, updated_at=proposal.updated_at)


@router.get("/proposals", response_model=ProposalList)
def list_proposals(slug: str, session: SessionDep, offset: Offset = 0, limit: Limit = 50,
                   state: str | None = Query(None, pattern="^(draft|open|closed|withdrawn)$"),
                   outcome: str | None = Query(None, pattern="^(passed|rejected|no_quorum|decided|tied|no_votes|withdrawn|superseded)$"),
                   ) -> ProposalList:
    coalition = coalitions.get_coalition(session, slug)
    rows = proposals.list_proposals(session, coalition=coalition, state=state, outcome=outcome, offset=offset,
                                    limit=limit)
    count = proposals.count_proposals(session, coalition=coalition, state=state, outcome=outcome)
    return ProposalList(items=[public(session, p) for p in rows], page=Page(offset=offset, limit=limit, total=count))


@router.post("/proposals", status_code=status.HTTP_201_CREATED, response_model=ProposalPublic)
def create_proposal(slug: str, body: ProposalCreate, session: SessionDep, account: CurrentAccountDep,
                    now: NowDep) -> ProposalPublic:
    """Draft a proposal (representatives and admins of the coalition). A change of the charter, its rules, weights
    or membership carries a typed ``payload`` and applies itself when its ballot passes."""
    coalition = coalitions.get_coalition(session, slug)
    require_member_of(account, coalition)
    proposal = proposals.create_proposal(session, coalition=coalition, author=account, kind=body.kind,
                                         title=body.title, body=body.body, options=getattr(body, "options", []),
                                         seats=getattr(body, "seats", 1), payload=payload_of(body), now=now)
    return public(session, proposal)


@router.get("/proposals/{number}", response_model=ProposalPublic)
def read_proposal(slug: str, number: int, session: SessionDep) -> ProposalPublic:
    coalition = coalitions.get_coalition(session, slug)
    return public(session, proposals.get_proposal(session, coalition=coalition, number=number))


@router.patch("/proposals/{number}", response_model=ProposalPublic)
def edit_proposal(slug: str, number: int, body: ProposalUpdate, session: SessionDep, account: CurrentAccountDep,
                  now: NowDep) -> ProposalPublic:
    """Edit a draft (its author or an admin)."""
    coalition = coalitions.get_coalition(session, slug)
    require_member_of(account, coalition)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    proposals.edit_proposal(session, coalition=coalition, actor=account, proposal=proposal, title=body.title,
                            body=body.body, options=body.options, seats=body.seats, now=now)
    return public(session, proposal)


@router.post("/proposals/{number}/withdraw", response_model=ProposalPublic)
def withdraw_proposal(slug: str, number: int, body: Withdrawal, session: SessionDep, account: CurrentAccountDep,
                      now: NowDep) -> ProposalPublic:
    coalition = coalitions.get_coalition(session, slug)
    require_member_of(account, coalition)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    proposals.withdraw_proposal(session, coalition=coalition, actor=account, proposal=proposal, reason=body.reason,
                                now=now)
    return public(session, proposal)


def ballot_pivotal(ballot: Ballot, votes: list[tuple[Vote, Member]]) -> dict[str, list[str]] | None:
    if ballot.status != "closed" or ballot.rule.get("type") != "majority":
        return None
    return power.pivotal_members(ballot.rule, ballot.eligible, {m.slug: v.choice["choice"] for v, m in votes})


def ballot_public(session, ballot: Ballot, proposal: Proposal) -> BallotPublic:  # noqa: ANN001
    votes = ballots.votes_of(session, ballot)
    running = None
    if ballot.status == "open" and ballot.live_results:
        running = count_ballot(rule=ballot.rule, eligible=ballot.eligible, options=proposal.options,
                               seats=proposal.seats, votes={m.slug: v.choice for v, m in votes}, seed="live")
    return BallotPublic(proposal=proposal.number, status=ballot.status, rule=ballot.rule,
                        rule_description=rules.describe_rule(ballot.rule),
                        eligible=[EligibleMember(**row) for row in ballot.eligible], live_results=ballot.live_results,
                        opened_at=ballot.opened_at, closes_at=ballot.closes_at, closed_at=ballot.closed_at,
                        voted=[m.slug for _, m in votes], result=ballot.result, running_count=running,
                        power=ballot.power, pivotal=ballot_pivotal(ballot, votes),
                        signing=BallotSigning(origin=signed_votes.origin_of(session, session.get(Coalition, ballot.coalition_id)),
                                              ballot=ballot.opened_idx, proposal=proposal.number,
                                              required=ballot.signed_only))


@router.post("/proposals/{number}/ballot", status_code=status.HTTP_201_CREATED, response_model=BallotPublic)
def open_ballot(slug: str, number: int, body: BallotOpen, request: Request, session: SessionDep,
                account: CurrentAccountDep, now: NowDep) -> BallotPublic:
    """Open the ballot on a draft (admins): the rule and the members' weights are frozen now."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballot = ballots.open_ballot(session, coalition=coalition, actor=account, proposal=proposal,
                                 closes_at=body.closes_at, now=now, rule=body.rule, live_results=body.live_results,
                                 power_of=budgeted_power(request))
    return ballot_public(session, ballot, proposal)


@router.get("/proposals/{number}/ballot", response_model=BallotPublic)
def read_ballot(slug: str, number: int, session: SessionDep) -> BallotPublic:
    """The ballot: frozen rule and weights, who has voted, and the result once closed."""
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    return ballot_public(session, ballots.get_ballot(session, proposal), proposal)


@router.post("/proposals/{number}/ballot/close", response_model=BallotPublic)
def close_ballot(slug: str, number: int, session: SessionDep, account: CurrentAccountDep, now: NowDep) -> BallotPublic:
    """Close the ballot before its time (admins, where the rule allows) and count it."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballot = ballots.close_ballot(session, coalition=coalition, proposal=proposal, now=now, actor=account)
    return ballot_public(session, ballot, proposal)


@router.get("/proposals/{number}/ballot/votes", response_model=VoteList)
def list_votes(slug: str, number: int, session: SessionDep, account: OptionalAccountDep) -> VoteList:
    """Each member's vote once the ballot is closed; while it is open, only who has voted."""
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballot = ballots.get_ballot(session, proposal)
    closed = ballot.status == "closed"
    marks = proxies.cast_marks(session, ballot)
    items = []
    for v, m in ballots.votes_of(session, ballot):
        reveal = closed or (account is not None and account.member_id == m.id)
        shown = vote_public(v, m, reveal=reveal)
        shown.cast_by_proxy = marks[v.log_idx][0] if reveal and v.log_idx in marks else None
        items.append(shown)
    return VoteList(proposal=number, status=ballot.status, items=items)
