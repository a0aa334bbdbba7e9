"""Replay of witness events (``checkpoint.cosigned``, ``witness.fork``): each cosignature must be a member's active
witness key's valid tlog-cosignature of this log's own root at that size.

Standard library and ``cryptography`` only, for the offline verifier.
"""

import base64
import binascii
from collections.abc import Callable

from governance.log.cosign import (
    Cosignature,
    CosignatureError,
    cosignature_key_hash,
    fork_statement,
    note_body,
    verify_cosignature,
    witness_name,
)
from governance.log.notes import NoteError, format_checkpoint, parse_checkpoint, verify_checkpoint
from governance.log.replayed import ReplayedKey, ReplayedLog, ReplayError
from governance.log.signing import SigningError, decode_signature, log_origin, signature_verifies

__all__ = ["QUIET_TYPES", "WITNESS_HANDLERS"]

QUIET_TYPES = frozenset({"checkpoint.cosigned"})
"""Entries that only record a cosignature: a checkpoint whose last entry is one of them is not cosigned, so that
witnesses do not chase the entries their own cosignatures append."""


def _require(condition: bool, index: int, message: str) -> None:
    if not condition:
        raise ReplayError(index, message)


def _witness_key(log: ReplayedLog, index: int, body: dict) -> ReplayedKey:
    key = log.keys.get(body["key_id"])
    _require(key is not None and key.member == body["member"] and key.purpose == "witness", index,
             f"{body['key_id']!r} is not a witness key of {body['member']!r}")
    _require(key.active_at(index), index, f"the witness key {body['key_id']} was not active at this entry")  # type: ignore[union-attr]
    return key  # type: ignore[return-value]


def _root(log: ReplayedLog, index: int, body: dict) -> bytes:
    try:
        claimed = base64.b64decode(body["root"], validate=True)
    except (binascii.Error, TypeError):
        raise ReplayError(index, "the cosigned root is not base64") from None
    if log.root_of is not None:
        _require(log.root_of(body["size"]) == claimed, index,
                 f"the cosigned root of size {body['size']} is not this log's root at that size: the witness "
                 "was shown another tree (a fork)")
    return claimed


def _cosigned(log: ReplayedLog, index: int, body: dict) -> None:
    size, member = body["size"], body["member"]
    _require(type(size) is int and 1 <= size <= index, index, f"a cosignature is for a size from 1 to {index}")
    _require(size - 1 not in log.quiet, index, f"the checkpoint of size {size} ends in a cosignature; it is not "
                                               "cosigned")
    key = _witness_key(log, index, body)
    _require((size, key.key_id) not in log.cosigned_keys, index, f"the key {key.key_id} cosigned size {size} before")
    timestamp = body["timestamp"]
    _require(type(timestamp) is int and 0 <= timestamp < 2**63, index, "the cosignature's time is not a number")
    origin = log_origin(log.log_key, log.slug)
    name = witness_name(origin, member)
    try:
        cosignature = Cosignature(name, cosignature_key_hash(name, key.public_key), timestamp,
                                  decode_signature(body["signature"]))
        verify_cosignature(cosignature, format_checkpoint(origin, size, _root(log, index, body)), key.public_key)
    except (CosignatureError, SigningError) as error:
        raise ReplayError(index, f"the cosignature of {member!r}: {error}") from None
    log.cosigned_keys.add((size, key.key_id))
    log.cosignatures.setdefault(size, {}).setdefault(member, timestamp)
    log.quiet.add(index)


def _fork(log: ReplayedLog, index: int, body: dict) -> None:
    """A fork report: two checkpoints the log's key signed, the report signed by an active witness key."""
    key = _witness_key(log, index, body)
    try:
        seen, served = note_body(body["seen"]), note_body(body["served"])
        for note in (body["seen"], body["served"]):
            if log.log_key:
                verify_checkpoint(note, [log.log_key])  # the log's own key signed both
            else:
                parse_checkpoint(note_body(note))
        signature = decode_signature(body["signature"])
        statement = fork_statement(seen, served, body["timestamp"])
    except (NoteError, SigningError, CosignatureError, AttributeError, TypeError) as error:
        raise ReplayError(index, f"the fork report of {body['member']!r} is malformed: {error}") from None
    _require(signature_verifies(key.public_key, signature, statement), index,
             f"the fork report is not signed by the witness key {key.key_id}")
    log.forks.append((index, body["member"]))


WITNESS_HANDLERS: dict[str, Callable[[ReplayedLog, int, dict], None]] = {
    "checkpoint.cosigned": _cosigned,
    "witness.fork": _fork,
}
