"""Append events to a coalition's log under the lock of its head row, in the caller's transaction."""

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import tuple_
from sqlmodel import Session, select

from governance.log import merkle, tree
from governance.log.canonical import canonical_bytes
from governance.models import Checkpoint, Coalition, LogEntry, LogHead, LogNode

__all__ = ["EVENT_VERSION", "LogSigner", "NodeReader", "append", "lock_head", "log_size", "read_nodes", "root_at"]

EVENT_VERSION = 1
EMPTY_ROOT = merkle.EMPTY_ROOT


@dataclass(frozen=True)
class LogSigner:
    """Signs checkpoints: ``sign(coalition_slug, size, root) -> signed note text``."""

    sign: Callable[[str, int, bytes], str]


def lock_head(session: Session, coalition: Coalition) -> LogHead:
    """Lock the log head row (``SELECT ... FOR UPDATE``; SQLite writers already hold ``BEGIN IMMEDIATE``)."""
    head = session.exec(
        select(LogHead)
        .where(LogHead.coalition_id == coalition.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:
        head = LogHead(coalition_id=coalition.id, size=0, root=EMPTY_ROOT, last_ts=0)
        session.add(head)
        session.flush()
    return head


def read_nodes(session: Session, coalition_id: int, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.exec(
        select(LogNode.level, LogNode.index, LogNode.hash).where(
            LogNode.coalition_id == coalition_id, tuple_(LogNode.level, LogNode.index).in_(sorted(wanted))
        )
    ).all()
    return {(level, index): value for level, index, value in rows}


def root_at(session: Session, coalition_id: int, size: int) -> bytes:
    """The Merkle root of the first ``size`` entries, from O(log n) stored subtrees (RFC 9162 2.1.1)."""
    return tree.root_from_store(size, NodeReader(session, coalition_id))


def append(session: Session, *, coalition: Coalition, type: str, body: Mapping[str, object]) -> LogEntry:
    """Stage one event as the next entry of the coalition's log; the caller commits."""
    head = lock_head(session, coalition)
    ts = max(int(time.time() * 1000), head.last_ts)
    event = {"v": EVENT_VERSION, "log": coalition.slug, "idx": head.size, "ts": ts, "type": type, "body": dict(body)}
    data = canonical_bytes(event)
    leaf = merkle.leaf_hash(data)
    entry = LogEntry(coalition_id=coalition.id, idx=head.size, type=type, data=data, leaf_hash=leaf)
    session.add(entry)
    for (level, index), value in tree.nodes_to_store_after_append(head.size, leaf, NodeReader(session, coalition.id)):
        session.add(LogNode(coalition_id=coalition.id, level=level, index=index, hash=value))
    session.flush()
    head.size += 1
    head.last_ts = ts
    head.root = root_at(session, coalition.id, head.size)
    session.add(head)
    signer: LogSigner | None = session.info.get("log_signer")
    if signer is not None:
        note = signer.sign(coalition.slug, head.size, head.root)
        session.add(Checkpoint(coalition_id=coalition.id, size=head.size, root=head.root, note=note))
    session.flush()
    return entry


def log_size(session: Session, coalition: Coalition) -> int:
    head = session.get(LogHead, coalition.id)
    return head.size if head else 0


class NodeReader:
    """Reads stored perfect subtrees of one log, in batches (the tree's ``NodeReader`` protocol)."""

    def __init__(self, session: Session, coalition_id: int) -> None:
        self.session, self.coalition_id = session, coalition_id

    def get_nodes(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        return read_nodes(self.session, self.coalition_id, keys)
