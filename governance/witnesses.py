"""Witnesses: members' cosignatures of the log's checkpoints (``checkpoint.cosigned``) and their fork reports
(``witness.fork``), both authenticated by a registered witness key's signature alone.

A witness cosigns the latest checkpoint whose last entry is not itself a cosignature (``witnessed_size``): its
cosignature enters the log after that size, and the checkpoints that only add cosignatures are not cosigned again,
so a quiet log settles with k cosignatures on its last checkpoint that holds a governance event.
"""

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from governance.errors import Conflict, Forbidden, RuleViolation
from governance.log import public, store
from governance.log.cosign import (
    Cosignature,
    CosignatureError,
    cosignature_key_hash,
    fork_statement,
    note_body,
    parse_cosignature,
    verify_cosignature,
    witness_name,
)
from governance.log.notes import NoteError, parse_checkpoint, verify_checkpoint
from governance.log.replay_witness import QUIET_TYPES
from governance.log.signing import SigningError, decode_signature, signature_verifies
from governance.models import CheckpointCosignature, Coalition, LogEntry, Member, MemberKey

__all__ = ["MAX_COSIGNATURES", "WitnessRecord", "cosignature_lines", "cosigned_note", "report_fork", "submit_cosignature",
           "witness_records", "witnessed_size"]

MAX_COSIGNATURES = 90
"""Cosignature lines served on one checkpoint (a signed note holds at most 100 signatures)."""
FUTURE_SLACK = 600
"""Seconds a cosignature's time may run ahead of the server's clock."""


@dataclass(frozen=True)
class WitnessRecord:
    """A member's witnessing: its last cosigned size and when that cosignature arrived (None: never)."""

    member: Member
    key_ids: tuple[str, ...]  # its active witness keys
    size: int | None
    received_at: datetime | None


def witnessed_size(session: Session, coalition: Coalition) -> int:
    """The size of the latest checkpoint witnesses cosign: up to the last entry that is not a cosignature."""
    last = session.exec(select(func.max(LogEntry.idx)).where(
        LogEntry.coalition_id == coalition.id, col(LogEntry.type).not_in(sorted(QUIET_TYPES)))).one()
    return 0 if last is None else last + 1


def _active_witness_keys(session: Session, coalition: Coalition) -> list[tuple[MemberKey, Member]]:
    return list(session.exec(select(MemberKey, Member).join(Member, Member.id == MemberKey.member_id).where(
        MemberKey.coalition_id == coalition.id, MemberKey.purpose == "witness",
        col(MemberKey.revoked_idx).is_(None))))


def _key_for(session: Session, coalition: Coalition, origin: str, cosignature: Cosignature
             ) -> tuple[MemberKey, Member, bytes]:
    for key, member in _active_witness_keys(session, coalition):
        raw = base64.b64decode(key.public_key)
        name = witness_name(origin, member.slug)
        if cosignature.name == name and cosignature.key_hash == cosignature_key_hash(name, raw):
            return key, member, raw
    raise Forbidden("%(name)s (key hash %(hash)s) is not a registered witness key of %(coalition)s; a member's "
                    "representative registers it with the purpose witness.", name=cosignature.name,
                    hash=cosignature.key_hash.hex(), coalition=coalition.name)


def _parsed(line: object) -> Cosignature:
    try:
        return parse_cosignature(line)  # type: ignore[arg-type]
    except CosignatureError as error:
        raise RuleViolation("cosignature: %(problem)s.", problem=str(error)) from None


def _check_cosignable(session: Session, coalition: Coalition, size: int) -> None:
    last = session.get(LogEntry, (coalition.id, size - 1)) if size >= 1 else None
    if last is not None and last.type in QUIET_TYPES:
        raise Conflict("The checkpoint of size %(size)s ends in a cosignature; cosign size %(witnessed)s, the latest "
                       "checkpoint with a governance event.", size=size,
                       witnessed=witnessed_size(session, coalition))


def submit_cosignature(session: Session, *, coalition: Coalition, size: int, line: str,
                       now: datetime) -> CheckpointCosignature:
    """Stage a witness's cosignature of the checkpoint of ``size`` and its ``checkpoint.cosigned`` event."""
    cosignature = _parsed(line)
    store.lock_head(session, coalition)
    checkpoint = public.checkpoint_at(session, coalition, size)
    body = note_body(checkpoint.note)
    origin = parse_checkpoint(body).origin
    key, member, raw = _key_for(session, coalition, origin, cosignature)
    try:
        verify_cosignature(cosignature, body, raw)
    except CosignatureError as error:
        raise RuleViolation("cosignature: %(problem)s.", problem=str(error)) from None
    if cosignature.timestamp > now.timestamp() + FUTURE_SLACK:
        raise RuleViolation("The cosignature's time %(time)s is in the future; check the witness's clock.",
                            time=cosignature.timestamp)
    _check_cosignable(session, coalition, size)
    if session.exec(select(CheckpointCosignature.id).where(
            CheckpointCosignature.coalition_id == coalition.id, CheckpointCosignature.size == size,
            CheckpointCosignature.member_id == member.id)).first() is not None:
        raise Conflict("%(member)s has already cosigned the checkpoint of size %(size)s.", member=member.name,
                       size=size)
    entry = store.append(session, coalition=coalition, type="checkpoint.cosigned", body={
        "member": member.slug, "key_id": key.key_id, "size": size, "root": base64.b64encode(checkpoint.root).decode(),
        "timestamp": cosignature.timestamp, "signature": base64.b64encode(cosignature.signature).decode()})
    row = CheckpointCosignature(coalition_id=coalition.id, size=size, member_id=member.id, key_id=key.key_id,
                                timestamp=cosignature.timestamp, line=cosignature.line().rstrip("\n"),
                                log_idx=entry.idx, received_at=now)
    session.add(row)
    session.flush()
    return row


def _verified_body(note: object, log_key: str, what: str) -> str:
    if not isinstance(note, str) or len(note) > 4000:
        raise RuleViolation("%(what)s: a signed checkpoint of at most 4000 characters.", what=what)
    try:
        verify_checkpoint(note, [log_key])  # type: ignore[arg-type]
        return note_body(note)  # type: ignore[arg-type]
    except (NoteError, TypeError) as error:
        raise RuleViolation("%(what)s: not a checkpoint signed by this log's key (%(problem)s).", what=what,
                            problem=str(error)) from None


def report_fork(session: Session, *, coalition: Coalition, log_key: str, key_id: object, seen: object,
                served: object, timestamp: object, signature: object, now: datetime) -> int:
    """Stage a witness's ``witness.fork`` report: two checkpoints this log's key signed that do not fit one history,
    signed by the witness's key; returns the report's entry index."""
    seen_body, served_body = _verified_body(seen, log_key, "seen"), _verified_body(served, log_key, "served")
    if seen_body == served_body:
        raise RuleViolation("seen and served are the same checkpoint; a fork takes two.")
    if type(timestamp) is not int or not 0 <= timestamp <= now.timestamp() + FUTURE_SLACK:
        raise RuleViolation("timestamp: the POSIX seconds at which the witness signed its report.")
    store.lock_head(session, coalition)
    found = [(key, member) for key, member in _active_witness_keys(session, coalition) if key.key_id == key_id]
    if not found:
        raise Forbidden("%(key_id)s is not a registered witness key of %(coalition)s.", key_id=str(key_id),
                        coalition=coalition.name)
    key, member = found[0]
    try:
        valid = signature_verifies(base64.b64decode(key.public_key), decode_signature(signature),
                                   fork_statement(seen_body, served_body, timestamp))
    except SigningError as error:
        raise RuleViolation("signature: %(problem)s.", problem=str(error)) from None
    if not valid:
        raise RuleViolation("signature: the report is not signed by the witness key %(key_id)s.", key_id=key.key_id)
    entry = store.append(session, coalition=coalition, type="witness.fork", body={
        "member": member.slug, "key_id": key.key_id, "seen": seen, "served": served, "timestamp": timestamp,
        "signature": signature})
    return entry.idx


def cosignature_lines(session: Session, coalition: Coalition, size: int) -> str:
    """The cosignature lines witnesses sent for the checkpoint of ``size``, each ending in a newline, in arrival order;
    appended to that signed note (or to a receipt, which ends with it) they make it a cosigned checkpoint."""
    lines = session.exec(select(CheckpointCosignature.line).where(
        CheckpointCosignature.coalition_id == coalition.id, CheckpointCosignature.size == size)
        .order_by(CheckpointCosignature.log_idx).limit(MAX_COSIGNATURES)).all()
    return "".join(line + "\n" for line in lines)


def cosigned_note(session: Session, coalition: Coalition, size: int | None = None) -> str:
    """The signed checkpoint of ``size`` (default: the latest) with the witnesses' cosignature lines appended."""
    checkpoint = public.checkpoint_at(session, coalition, size)
    return checkpoint.note + cosignature_lines(session, coalition, checkpoint.size)


def witness_records(session: Session, coalition: Coalition) -> list[WitnessRecord]:
    """Every member that has a witness key or has cosigned: its last cosigned size and when, by member name."""
    keys: dict[int, tuple[str, ...]] = {}
    for key, member in _active_witness_keys(session, coalition):
        keys[member.id] = (*keys.get(member.id, ()), key.key_id)
    latest = {member_id: (size, received) for member_id, size, received in session.exec(
        select(CheckpointCosignature.member_id, CheckpointCosignature.size, CheckpointCosignature.received_at)
        .where(CheckpointCosignature.coalition_id == coalition.id).order_by(CheckpointCosignature.log_idx))}
    wanted = set(keys) | set(latest)
    if not wanted:
        return []
    members = session.exec(select(Member).where(col(Member.id).in_(sorted(wanted))).order_by(Member.name)).all()
    return [WitnessRecord(member, keys.get(member.id, ()), *latest.get(member.id, (None, None)))
            for member in members]
