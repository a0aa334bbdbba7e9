"""Vote receipts: an entry's inclusion proof against a signed checkpoint, as a C2SP tlog-proof."""

from sqlmodel import Session, select

from governance.errors import NotFound, RuleViolation
from governance.log import store
from governance.models import Checkpoint, Coalition, LogEntry

__all__ = ["receipt_for", "receipt_from_append"]


def receipt_for(session: Session, *, coalition: Coalition, index: int, size: int | None = None) -> str | None:
    """The tlog-proof of entry ``index`` (its bytes as the extra data) at checkpoint ``size`` (default: latest)."""
    from governance.log.proofs import format_receipt
    from governance.log.tree import inclusion_proof_from_store

    reader = store.NodeReader(session, coalition.id)
    appended = store.last_append(session, coalition) if size is None else None
    if appended is not None and appended.note is not None and appended.covers(index):
        # This transaction just appended the entry and signed the latest checkpoint; it still holds the log's lock,
        # so that checkpoint is the latest.
        return receipt_from_append(appended, index, reader)
    entry = session.get(LogEntry, (coalition.id, index))
    if entry is None:
        raise NotFound("The log of %(coalition)s has no entry %(index)s.", coalition=coalition.name, index=index)
    query = select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
    query = query.where(Checkpoint.size == size) if size is not None else query.order_by(Checkpoint.size.desc())
    checkpoint = session.exec(query.limit(1)).first()
    if checkpoint is None:
        if size is not None:
            raise NotFound("There is no signed checkpoint of size %(size)s.", size=size)
        return None
    if checkpoint.size <= index:
        raise RuleViolation("Entry %(index)s is not in the checkpoint of size %(size)s.", index=index,
                            size=checkpoint.size)
    proof = inclusion_proof_from_store(index, checkpoint.size, reader)
    return format_receipt(index, proof, checkpoint.note, extra=entry.data)


def receipt_from_append(appended: store.Appended, index: int, reader: store.NodeReader) -> str:
    """The tlog-proof of entry ``index``, one of ``appended.entries``, at the checkpoint that append signed: the nodes
    the append read or made make up the proof (``reader`` for any other)."""
    from governance.log.proofs import format_receipt
    from governance.log.tree import KnownNodes, inclusion_proof_from_store

    entry = appended.entries[index - appended.size + len(appended.entries)]
    proof = inclusion_proof_from_store(index, appended.size, KnownNodes(appended.nodes, fallback=reader))
    return format_receipt(index, proof, appended.note, extra=entry.data)
