"""What the public log serves: signed checkpoints, inclusion and consistency proofs, re-issued vote receipts."""

from dataclasses import dataclass

from sqlmodel import Session, select

from governance import receipts
from governance.errors import NotFound, RuleViolation
from governance.log import store, tree
from governance.log.canonical import parse_event
from governance.models import (
    Ballot,
    Checkpoint,
    Coalition,
    LogEntry,
    Member,
    Proposal,
    Vote,
)

__all__ = ["ConsistencyProof", "InclusionProof", "ReissuedReceipt", "VoteStanding", "checkpoint_at",
           "consistency_proof", "inclusion_proof", "reissue_receipt"]


@dataclass(frozen=True)
class InclusionProof:
    index: int
    size: int
    leaf_hash: bytes
    root: bytes
    proof: list[bytes]
    checkpoint: str | None


@dataclass(frozen=True)
class ConsistencyProof:
    old: int
    new: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]
    old_checkpoint: str | None
    new_checkpoint: str | None


@dataclass(frozen=True)
class VoteStanding:
    """A vote's fate: its ballot, whether it is the member's last cast, and the closing entry if closed."""

    number: int
    member: str
    counted: bool
    superseded_by: int | None
    closed_idx: int | None


@dataclass(frozen=True)
class ReissuedReceipt:
    index: int
    size: int
    entry: bytes
    receipt: str
    vote: VoteStanding | None
    closing: ConsistencyProof | None


def checkpoint_at(session: Session, coalition: Coalition, size: int | None = None) -> Checkpoint:
    """The signed checkpoint of ``size`` (default: the latest); NotFound when there is none."""
    query = select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
    query = query.where(Checkpoint.size == size) if size is not None else query.order_by(Checkpoint.size.desc())
    checkpoint = session.exec(query.limit(1)).first()
    if checkpoint is None and size is not None:
        raise NotFound("The log of %(coalition)s has no signed checkpoint of size %(size)s.",
                       coalition=coalition.name, size=size)
    if checkpoint is None:
        raise NotFound("The log of %(coalition)s has no signed checkpoint yet.", coalition=coalition.name)
    return checkpoint


def _note(session: Session, coalition: Coalition, size: int) -> str | None:
    return session.exec(select(Checkpoint.note).where(Checkpoint.coalition_id == coalition.id,
                                                      Checkpoint.size == size)).first()


def _within_log(session: Session, coalition: Coalition, size: int) -> None:
    current = store.log_size(session, coalition)
    if size > current:
        raise NotFound("The log of %(coalition)s has %(entries)s entries; size %(size)s does not exist yet.",
                       coalition=coalition.name, entries=current, size=size)


def inclusion_proof(session: Session, *, coalition: Coalition, index: int, size: int) -> InclusionProof:
    """RFC 9162 PATH(index, D[size]) from the stored subtrees, with the root and that size's signed checkpoint."""
    if size < 1:
        raise RuleViolation("size must be at least 1: the empty tree includes nothing.")
    if not 0 <= index < size:
        raise RuleViolation("index must be from 0 to size - 1 = %(last)s; got %(index)s.", last=size - 1, index=index)
    _within_log(session, coalition, size)
    reader = store.NodeReader(session, coalition.id)
    leaf = session.get(LogEntry, (coalition.id, index)).leaf_hash
    return InclusionProof(index, size, leaf, tree.root_from_store(size, reader),
                          tree.inclusion_proof_from_store(index, size, reader), _note(session, coalition, size))


def consistency_proof(session: Session, *, coalition: Coalition, old: int, new: int) -> ConsistencyProof:
    """RFC 9162 PROOF(old, D[new]) from the stored subtrees, with both roots and their signed checkpoints."""
    if old < 1:
        raise RuleViolation("old must be at least 1: every tree extends the empty tree, no proof is needed.")
    if old > new:
        raise RuleViolation("old (%(old)s) must not be larger than new (%(new)s).", old=old, new=new)
    _within_log(session, coalition, new)
    reader = store.NodeReader(session, coalition.id)
    return ConsistencyProof(old, new, tree.root_from_store(old, reader), tree.root_from_store(new, reader),
                            tree.consistency_proof_from_store(old, new, reader),
                            _note(session, coalition, old), _note(session, coalition, new))


def _standing(session: Session, coalition: Coalition, event: dict) -> VoteStanding | None:
    if event["type"] != "vote.cast":
        return None
    number, member_slug = event["body"]["number"], event["body"]["member"]
    ballot = session.exec(select(Ballot).join(Proposal).where(
        Proposal.coalition_id == coalition.id, Proposal.number == number)).one()
    current = session.exec(select(Vote.log_idx).join(Member).where(
        Vote.ballot_id == ballot.id, Member.slug == member_slug)).one()
    counted = current == event["idx"]
    return VoteStanding(number, member_slug, counted, None if counted else current, ballot.closed_idx)


def reissue_receipt(session: Session, *, coalition: Coalition, index: int, size: int | None = None) -> ReissuedReceipt:
    """The tlog-proof of entry ``index`` at checkpoint ``size``; for a vote, a consistency proof to its count.

    The consistency proof joins the receipt's checkpoint and the one signed right after the ballot
    closed (smaller size first), proving the counted log holds the vote unchanged.
    """
    entry = session.get(LogEntry, (coalition.id, index))
    if entry is None:
        raise NotFound("The log of %(coalition)s has no entry %(index)s.", coalition=coalition.name, index=index)
    checkpoint = checkpoint_at(session, coalition, size)
    text = receipts.receipt_for(session, coalition=coalition, index=index, size=checkpoint.size)
    standing = _standing(session, coalition, parse_event(entry.data))
    closing = None
    if standing is not None and standing.closed_idx is not None:
        closed_size = standing.closed_idx + 1
        closing = consistency_proof(session, coalition=coalition, old=min(checkpoint.size, closed_size),
                                    new=max(checkpoint.size, closed_size))
    return ReissuedReceipt(index, checkpoint.size, entry.data, text, standing, closing)
