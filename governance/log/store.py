"""Append events to a coalition's log under the lock of its head row, in the caller's transaction."""

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from governance.log import merkle, tree
from governance.log.canonical import canonical_bytes
from governance.models import Checkpoint, Coalition, LogEntry, LogHead, LogNode

__all__ = ["EVENT_VERSION", "Appended", "LogSigner", "NodeReader", "append", "last_append", "lock_head", "log_size",
           "read_nodes"]

EVENT_VERSION = 1
EMPTY_ROOT = merkle.EMPTY_ROOT
_HEADS, _APPENDS = "log_heads", "log_appends"

# The hot statements, built once (building a statement costs more CPU than running it on a small row).
_HEAD, _NODE = LogHead.__table__, LogNode.__table__
_LOCK_HEAD = (select(LogHead).where(LogHead.coalition_id == bindparam("log")).with_for_update()
              .execution_options(populate_existing=True))
_READ_NODES = select(_NODE.c.level, _NODE.c.index, _NODE.c.hash).where(
    _NODE.c.coalition_id == bindparam("log"),
    tuple_(_NODE.c.level, _NODE.c.index).in_(bindparam("keys", expanding=True)))
_INSERT_ENTRY, _INSERT_NODES, _INSERT_CHECKPOINT = (insert(LogEntry.__table__), insert(_NODE),
                                                     insert(Checkpoint.__table__))
_ADVANCE_HEAD = update(_HEAD).where(_HEAD.c.coalition_id == bindparam("log")).values(
    size=bindparam("new_size"), root=bindparam("new_root"), last_ts=bindparam("new_ts"))


@dataclass(frozen=True)
class LogSigner:
    """Signs checkpoints: ``sign(coalition_slug, size, root) -> signed note text``."""

    sign: Callable[[str, int, bytes], str]


@dataclass(frozen=True)
class Appended:
    """One staged append: the entry, the log's size after it, the checkpoint note signed for that size (if a
    signer is set), and the perfect subtrees this append read or wrote (enough for the entry's inclusion proof)."""

    entry: LogEntry
    size: int
    note: str | None
    nodes: Mapping[tree.NodeKey, bytes]


def _this_transaction(session: Session, key: str) -> dict:
    """A memo that lives as long as the session's current transaction (a new transaction starts it empty)."""
    transaction = session.get_transaction()
    held = session.info.get(key)
    if held is None or held[0] is not transaction:
        held = session.info[key] = (transaction, {})
    return held[1]


def lock_head(session: Session, coalition: Coalition) -> LogHead:
    """Lock the log head row (``SELECT ... FOR UPDATE``; SQLite writers already hold ``BEGIN IMMEDIATE``).

    The lock lasts until the transaction ends, so a second call in the same transaction returns the head it locked
    (kept current by ``append``) without asking the database again.
    """
    held = _this_transaction(session, _HEADS) if session.in_transaction() else {}
    if coalition.id in held:
        return held[coalition.id]
    head = session.exec(_LOCK_HEAD, params={"log": coalition.id}).one_or_none()
    if head is None:
        head = LogHead(coalition_id=coalition.id, size=0, root=EMPTY_ROOT, last_ts=0)
        session.add(head)
        session.flush()
    _this_transaction(session, _HEADS)[coalition.id] = head
    return head


def read_nodes(session: Session, coalition_id: int, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.execute(_READ_NODES, {"log": coalition_id, "keys": sorted(wanted)}).all()
    return {(level, index): value for level, index, value in rows}


def append(session: Session, *, coalition: Coalition, type: str, body: Mapping[str, object]) -> LogEntry:
    """Stage one event as the next entry of the coalition's log; the caller commits. ``last_append`` then gives what
    a receipt for the new entry needs.

    One read of the tree's frontier (the perfect subtrees of the current size, RFC 9162 2.1.1) gives the nodes the
    new leaf completes and the new root; the entry, its nodes, the head and the signed checkpoint are then written
    with one statement each.
    """
    session.flush()  # what the caller staged goes first, as it always did
    head = lock_head(session, coalition)
    size = head.size
    ts = max(int(time.time() * 1000), head.last_ts)
    event = {"v": EVENT_VERSION, "log": coalition.slug, "idx": size, "ts": ts, "type": type, "body": dict(body)}
    data = canonical_bytes(event)
    leaf = merkle.leaf_hash(data)
    known = read_nodes(session, coalition.id, tree.perfect_nodes(0, size))
    completed = tree.nodes_to_store_after_append(size, leaf, tree.KnownNodes(known))
    known.update(completed)
    root = tree.root_from_store(size + 1, tree.KnownNodes(known))
    entry = LogEntry(coalition_id=coalition.id, idx=size, type=type, data=data, leaf_hash=leaf)
    session.execute(_INSERT_ENTRY, {"coalition_id": coalition.id, "idx": size, "type": type, "data": data,
                                    "leaf_hash": leaf})
    session.execute(_INSERT_NODES, [{"coalition_id": coalition.id, "level": level, "index": index, "hash": value}
                                    for (level, index), value in completed])
    _advance_head(session, head, size=size + 1, ts=ts, root=root)
    signer: LogSigner | None = session.info.get("log_signer")
    note = signer.sign(coalition.slug, size + 1, root) if signer is not None else None
    if note is not None:
        session.execute(_INSERT_CHECKPOINT, {"coalition_id": coalition.id, "size": size + 1, "root": root,
                                             "note": note})
    _this_transaction(session, _APPENDS)[coalition.id] = Appended(entry=entry, size=size + 1, note=note, nodes=known)
    return entry


def _advance_head(session: Session, head: LogHead, *, size: int, ts: int, root: bytes) -> None:
    """One UPDATE of the locked head row; the session's copy takes the same values as already saved."""
    session.execute(_ADVANCE_HEAD, {"log": head.coalition_id, "new_size": size, "new_ts": ts, "new_root": root})
    for name, value in (("size", size), ("last_ts", ts), ("root", root)):
        set_committed_value(head, name, value)


def last_append(session: Session, coalition: Coalition) -> Appended | None:
    """The last append to the coalition's log in the session's current transaction, if any."""
    if not session.in_transaction():
        return None
    return _this_transaction(session, _APPENDS).get(coalition.id)


def log_size(session: Session, coalition: Coalition) -> int:
    head = session.get(LogHead, coalition.id)
    return head.size if head else 0


class NodeReader:
    """Reads stored perfect subtrees of one log, in batches (the tree's ``NodeReader`` protocol)."""

    def __init__(self, session: Session, coalition_id: int) -> None:
        self.session, self.coalition_id = session, coalition_id

    def get_nodes(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        return read_nodes(self.session, self.coalition_id, keys)
