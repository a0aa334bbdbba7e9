"""Append events to a coalition's log under the lock of its head row, in the caller's transaction."""

import time
from datetime import UTC, datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from governance import notices
from governance.log import merkle, tree
from governance.log.canonical import canonical_bytes
from governance.models import Checkpoint, Coalition, LogEntry, LogHead, LogNode
from governance.pipelined import Write, write_all

__all__ = ["EVENT_VERSION", "Appended", "LogSigner", "NodeReader", "StagedEntry", "append", "append_to_logs",
           "frontier_keys", "last_append", "lock_head", "lock_heads", "log_size", "read_frontiers", "read_nodes",
           "stage_appends"]

EVENT_VERSION = 1
EMPTY_ROOT = merkle.EMPTY_ROOT
_HEADS, _APPENDS = "log_heads", "log_appends"

# The hot statements, built once (building a statement costs more CPU than running it on a small row).
_HEAD, _NODE = LogHead.__table__, LogNode.__table__
_LOCK_HEADS = (select(LogHead).where(LogHead.coalition_id.in_(bindparam("logs", expanding=True)))
               .order_by(LogHead.coalition_id).with_for_update().execution_options(populate_existing=True))
_READ_NODES = select(_NODE.c.level, _NODE.c.index, _NODE.c.hash).where(
    _NODE.c.coalition_id == bindparam("log"),
    tuple_(_NODE.c.level, _NODE.c.index).in_(bindparam("keys", expanding=True)))
_READ_FRONTIERS = select(_NODE.c.coalition_id, _NODE.c.level, _NODE.c.index, _NODE.c.hash).where(
    tuple_(_NODE.c.coalition_id, _NODE.c.level, _NODE.c.index).in_(bindparam("keys", expanding=True)))
_INSERT_ENTRY, _INSERT_NODES, _INSERT_CHECKPOINT = (insert(LogEntry.__table__), insert(_NODE),
                                                     insert(Checkpoint.__table__))
_ADVANCE_HEAD = update(_HEAD).where(_HEAD.c.coalition_id == bindparam("log")).values(
    size=bindparam("new_size"), root=bindparam("new_root"), last_ts=bindparam("new_ts"))


@dataclass(frozen=True)
class LogSigner:
    """Signs checkpoints: ``sign(coalition_slug, size, root) -> signed note text``."""

    sign: Callable[[str, int, bytes], str]


@dataclass(frozen=True, slots=True)
class StagedEntry:
    """A log entry as ``append`` wrote it (the row's columns; cheaper to make than a ``LogEntry`` model)."""

    coalition_id: int
    idx: int
    type: str
    data: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class Appended:
    """One staged append of one or more entries: the entries, the log's size after them, the checkpoint note signed
    for that size (if a signer is set), and the perfect subtrees the append read or wrote (enough for the inclusion
    proof of each new entry at that size)."""

    entries: tuple[StagedEntry, ...]
    size: int
    note: str | None
    nodes: Mapping[tree.NodeKey, bytes]

    @property
    def entry(self) -> StagedEntry:
        """The last entry appended."""
        return self.entries[-1]

    def covers(self, index: int) -> bool:
        return self.size - len(self.entries) <= index < self.size


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
    return lock_heads(session, [coalition])[coalition.id]


def lock_heads(session: Session, coalitions: Iterable[Coalition]) -> dict[int, LogHead]:
    """Lock the head rows of several logs in one statement, in the order of their ids (so two transactions that
    lock some of the same logs never wait on each other in a cycle); the heads by coalition id. A log without a head
    row yet gets one. Heads this transaction locked already are not asked for again."""
    held = _this_transaction(session, _HEADS) if session.in_transaction() else {}
    wanted = sorted({c.id for c in coalitions} - held.keys())
    if wanted:
        found = {head.coalition_id: head for head in session.exec(_LOCK_HEADS, params={"logs": wanted})}
        missing = [log for log in wanted if log not in found]
        for log in missing:
            found[log] = LogHead(coalition_id=log, size=0, root=EMPTY_ROOT, last_ts=0)
            session.add(found[log])
        if missing:
            session.flush()
        held = _this_transaction(session, _HEADS)
        held.update(found)
    return {c.id: held[c.id] for c in coalitions}


def frontier_keys(sizes: Mapping[int, int]) -> list[tuple[int, int, int]]:
    """(coalition id, level, index) of the perfect subtrees that make up each log's first ``size`` leaves (``sizes``:
    coalition id -> size, RFC 9162 2.1.1), sorted."""
    return sorted((log, level, index) for log, size in sizes.items() for level, index in tree.perfect_nodes(0, size))


def read_frontiers(session: Session, sizes: Mapping[int, int]) -> dict[int, dict[tuple[int, int], bytes]]:
    """Each log's frontier (``frontier_keys``), all logs in one query; by coalition id."""
    found: dict[int, dict[tuple[int, int], bytes]] = {log: {} for log in sizes}
    keys = frontier_keys(sizes)
    if keys:
        for log, level, index, value in session.execute(_READ_FRONTIERS, {"keys": keys}):
            found[log][(level, index)] = value
    return found


def read_nodes(session: Session, coalition_id: int, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.execute(_READ_NODES, {"log": coalition_id, "keys": sorted(wanted)}).all()
    return {(level, index): value for level, index, value in rows}


def append(session: Session, *, coalition: Coalition, type: str, body: Mapping[str, object]) -> StagedEntry:
    """Stage one event as the next entry of the coalition's log; the caller commits. ``last_append`` then gives what
    a receipt for the new entry needs."""
    return append_to_logs(session, [(coalition, [(type, body)])])[coalition.id].entry


Batches = Sequence[tuple[Coalition, Sequence[tuple[str, Mapping[str, object]]]]]


def append_to_logs(session: Session, batches: Batches) -> dict[int, Appended]:
    """Stage each batch's events (type, body), in order, as the next entries of its coalition's log; the caller
    commits. What was appended to each log, by coalition id (``last_append`` gives it too).

    One read of the trees' frontiers (the perfect subtrees of each current size, RFC 9162 2.1.1) gives every node the
    new leaves complete and each new root; the entries, their nodes, the heads and one signed checkpoint per log for
    its new size are then written with one statement each, however many events and logs there are (on PostgreSQL,
    all in one round trip).
    """
    if not batches:
        raise ValueError("append_to_logs needs at least one log")
    session.flush()  # what the caller staged goes first, as it always did
    heads = lock_heads(session, [coalition for coalition, _ in batches])
    appended, writes = stage_appends(session, batches, read_frontiers(session, {c.id: heads[c.id].size
                                                                                for c, _ in batches}))
    write_all(session, writes)
    _stage_notifications(session, batches, appended)
    return appended


def _stage_notifications(session: Session, batches: Batches, appended: Mapping[int, Appended]) -> None:
    """The notifications the new events cause (governance.notices.CAUSES), in the same transaction."""
    now = None
    for coalition, events in batches:
        for (type_, body), entry in zip(events, appended[coalition.id].entries, strict=True):
            if type_ in notices.CAUSES:
                now = now or datetime.fromtimestamp(time.time(), UTC)
                notices.stage_for_event(session, coalition=coalition, type=type_, body=body, idx=entry.idx, now=now)


def stage_appends(session: Session, batches: Batches,
                  frontiers: Mapping[int, dict[tuple[int, int], bytes]]) -> tuple[dict[int, Appended], list[Write]]:
    """What ``append_to_logs`` computes once the logs' heads are locked and their ``frontiers`` read (by coalition
    id): what each log gets, and the rows to write for it (``pipelined.write_all``), so a caller can send them
    together with rows of its own. The heads in the session already show the new sizes and roots."""
    if not all(events for _, events in batches) or len({c.id for c, _ in batches}) < len(batches):
        raise ValueError("append_to_logs needs at least one event for each log, each log once")
    heads = lock_heads(session, [coalition for coalition, _ in batches])  # held already: no query
    signer: LogSigner | None = session.info.get("log_signer")
    clock = session.info.get("log_clock")  # a history built after the fact (the demo) gives its own time, in ms
    now_ms = clock() if clock is not None else int(time.time() * 1000)
    entry_rows, node_rows, head_rows, checkpoint_rows, appended = [], [], [], [], {}
    for coalition, events in batches:
        head, known = heads[coalition.id], dict(frontiers[coalition.id])
        size, ts = head.size, max(now_ms, head.last_ts)
        reader = tree.KnownNodes(known)
        entries = []
        for offset, (type_, body) in enumerate(events):
            idx = size + offset
            data = canonical_bytes({"v": EVENT_VERSION, "log": coalition.slug, "idx": idx, "ts": ts, "type": type_,
                                    "body": dict(body)})
            leaf = merkle.leaf_hash(data)
            completed = tree.nodes_to_store_after_append(idx, leaf, reader)
            known.update(completed)
            node_rows += [{"coalition_id": coalition.id, "level": level, "index": index, "hash": value}
                          for (level, index), value in completed]
            entry_rows.append({"coalition_id": coalition.id, "idx": idx, "type": type_, "data": data,
                               "leaf_hash": leaf})
            entries.append(StagedEntry(coalition.id, idx, type_, data, leaf))
        new_size = size + len(events)
        root = tree.root_from_store(new_size, reader)
        head_rows.append({"log": coalition.id, "new_size": new_size, "new_ts": ts, "new_root": root})
        for name, value in (("size", new_size), ("last_ts", ts), ("root", root)):
            set_committed_value(head, name, value)
        note = signer.sign(coalition.slug, new_size, root) if signer is not None else None
        if note is not None:
            checkpoint_rows.append({"coalition_id": coalition.id, "size": new_size, "root": root, "note": note})
        appended[coalition.id] = Appended(entries=tuple(entries), size=new_size, note=note, nodes=known)
    _this_transaction(session, _APPENDS).update(appended)
    return appended, [(_INSERT_ENTRY, entry_rows), (_INSERT_NODES, node_rows), (_ADVANCE_HEAD, head_rows),
                      (_INSERT_CHECKPOINT, checkpoint_rows)]


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
