"""Putting a declined amendment to its own yes/no ballot, under the coalition's amendment rule."""

from datetime import datetime

from sqlmodel import Session

from governance import amendments, ballots, deliberation_settings, proposals
from governance.errors import Conflict, Forbidden
from governance.log import store
from governance.models import Account, Amendment, Coalition, Proposal

__all__ = ["put_to_ballot"]


def put_to_ballot(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal,
                  amendment: Amendment, closes_at: datetime, now: datetime) -> Proposal:
    """Stage a decision proposal that decides the amendment, link it (``amendment.balloted``) and open its ballot;
    the amended proposal's own ballot cannot open until this one closes."""
    if actor.role != "admin" or actor.coalition_id != coalition.id:
        raise Forbidden("Only an admin of %(coalition)s can put an amendment to a ballot.", coalition=coalition.name)
    amendments.check_pending(session, coalition, proposal, amendment, "declined")
    amendments.check_current(proposal, amendment)
    if amendments.amendment_text(session, amendment).content is None:
        raise Conflict("The text of amendment %(amendment)s has been erased; it cannot be put to a vote.",
                       amendment=amendment.number)
    title = f"Amendment {amendment.number} to proposal #{proposal.number}"
    body = (f"Should amendment {amendment.number} be merged into proposal #{proposal.number} "
            f"(version {proposal.version})? Its text and a word-by-word comparison are on the proposal's page.")
    decision = proposals.create_proposal(session, coalition=coalition, author=actor, kind="decision", title=title,
                                         body=body, now=now)
    store.append(session, coalition=coalition, type="amendment.balloted", body={
        "number": proposal.number, "amendment": amendment.number, "proposal": decision.number,
        "actor": actor.username})
    amendment.state, amendment.ballot_proposal_id = "balloting", decision.id
    session.add(amendment)
    session.flush()
    ballots.open_ballot(session, coalition=coalition, actor=actor, proposal=decision, closes_at=closes_at, now=now,
                        rule=deliberation_settings.amendment_rule(session, coalition), discussed=False)
    return decision
