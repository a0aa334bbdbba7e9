"""Every version of a proposal's text, kept: created, edited by its author, or amended."""

from datetime import datetime

from sqlmodel import Session, select

from governance.errors import Conflict, NotFound
from governance.models import Amendment, Proposal, ProposalVersion

__all__ = ["amendment_ballot_open", "check_not_frozen", "get_version", "list_versions", "record_version"]


def record_version(session: Session, *, proposal: Proposal, source: str, actor: str, log_idx: int, now: datetime,
                   amendment: int | None = None) -> ProposalVersion:
    """Stage the proposal's current text as its version ``proposal.version``."""
    row = ProposalVersion(proposal_id=proposal.id, version=proposal.version, title=proposal.title, body=proposal.body,
                          options=list(proposal.options), seats=proposal.seats, source=source, amendment=amendment,
                          actor=actor, log_idx=log_idx, created_at=now)
    session.add(row)
    return row


def list_versions(session: Session, proposal: Proposal) -> list[ProposalVersion]:
    return list(session.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
                             .order_by(ProposalVersion.version)))


def get_version(session: Session, proposal: Proposal, version: int) -> ProposalVersion:
    row = session.exec(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id,
                                                     ProposalVersion.version == version)).first()
    if row is None:
        raise NotFound("Proposal #%(number)s has no version %(version)s.", number=proposal.number, version=version)
    return row


def amendment_ballot_open(session: Session, proposal: Proposal) -> bool:
    """Whether an amendment to ``proposal`` is being put to a ballot right now."""
    return session.exec(select(Amendment.id).where(Amendment.proposal_id == proposal.id,
                                                   Amendment.state == "balloting")).first() is not None


def check_not_frozen(session: Session, proposal: Proposal) -> None:
    """Refuse to change, withdraw or open a proposal while an amendment to it is being voted on."""
    if amendment_ballot_open(session, proposal):
        raise Conflict("An amendment to proposal #%(number)s is being voted on; wait for its result.",
                       number=proposal.number)
