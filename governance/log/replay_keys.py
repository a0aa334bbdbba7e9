"""Replay of the member key registry (``key.registered``, ``key.revoked``) and of signed votes: which key was active
at each entry, and whether each signed vote was signed by it.

Standard library and ``cryptography`` only (through ``signing``), for the offline verifier.
"""

from collections.abc import Callable, Iterable, Mapping

from governance.log.charter_rules import signatures_required
from governance.log.replayed import ReplayedBallot, ReplayedKey, ReplayedLog, ReplayError
from governance.log.signing import (KEY_PURPOSES, MAX_SEQ, SigningError, decode_public_key, decode_signature,
                                    key_id_of, log_origin, signature_verifies, vote_statement)

__all__ = ["KEY_HANDLERS", "SIGNATURE_FIELDS", "check_signed_ballot", "check_vote_signature", "key_registry",
           "representative_of"]

CLOSED_STATUSES = ("left", "expelled")
SIGNATURE_FIELDS = frozenset({"key_id", "seq", "signature"})


def _require(condition: bool, index: int, message: str) -> None:
    if not condition:
        raise ReplayError(index, message)


def representative_of(log: ReplayedLog, index: int, actor: object, member: object) -> None:
    """``actor`` must be an active representative account of ``member``."""
    account = log.accounts.get(actor)  # type: ignore[arg-type]
    _require(account is not None and account.active and account.role == "representative" and account.member == member,
             index, f"{actor!r} is not an active representative of {member!r}")


def _key_registered(log: ReplayedLog, index: int, body: dict) -> None:
    slug, key_id = body["member"], body["key_id"]
    member = log.members.get(slug)
    _require(member is not None and member.status not in CLOSED_STATUSES, index,
             f"{slug!r} is not a member that can register keys")
    representative_of(log, index, body["actor"], slug)
    try:
        raw = decode_public_key(body["public_key"])
    except SigningError as error:
        raise ReplayError(index, f"the key of {slug!r}: {error}") from None
    _require(key_id == key_id_of(raw), index, f"the key id {key_id!r} is not the SHA-256 of its public key")
    _require(key_id not in log.keys, index, f"the key {key_id} was registered before")
    _require(body["purpose"] in KEY_PURPOSES, index, f"unknown key purpose {body['purpose']!r}")
    _require(isinstance(body["label"], str) and body["label"] != "", index, "a key's label is a non-empty text")
    log.keys[key_id] = ReplayedKey(key_id, slug, raw, body["label"], body["purpose"], index)


def _key_revoked(log: ReplayedLog, index: int, body: dict) -> None:
    key = log.keys.get(body["key_id"])
    _require(key is not None and key.member == body["member"], index,
             f"{body['member']!r} has no key {body['key_id']!r} to revoke")
    _require(key.revoked_idx is None, index, f"the key {key.key_id} was revoked before")  # type: ignore[union-attr]
    representative_of(log, index, body["actor"], body["member"])
    key.revoked_idx = index  # type: ignore[union-attr]


KEY_HANDLERS: dict[str, Callable[[ReplayedLog, int, dict], None]] = {
    "key.registered": _key_registered,
    "key.revoked": _key_revoked,
}


def key_registry(events: Iterable[Mapping]) -> dict[str, ReplayedKey]:
    """Every key the events register, with the entries that registered and revoked it (``ReplayedKey.active_at``
    tells whether it was active at a given entry); the events are not checked against the rest of the log.

    >>> registry = key_registry([{"idx": 4, "type": "key.registered", "body": {"member": "m", "key_id": "k",
    ...     "public_key": "2T4M3PMZ6b1zX/T8nim/w7rqmW/LG61ePKRr9e+Asco=", "label": "laptop", "purpose": "vote"}},
    ...     {"idx": 9, "type": "key.revoked", "body": {"member": "m", "key_id": "k"}}])
    >>> [registry["k"].active_at(index) for index in (4, 5, 8, 9)]
    [False, True, True, False]
    """
    keys: dict[str, ReplayedKey] = {}
    for event in events:
        body = event["body"]
        if event["type"] == "key.registered":
            keys[body["key_id"]] = ReplayedKey(body["key_id"], body["member"], decode_public_key(body["public_key"]),
                                               body["label"], body["purpose"], event["idx"])
        elif event["type"] == "key.revoked" and body["key_id"] in keys:
            keys[body["key_id"]].revoked_idx = event["idx"]
    return keys


def check_signed_ballot(log: ReplayedLog, index: int, body: dict) -> bool:
    """Whether a ballot requires signed votes: exactly when the charter in force requires them for its kind, said
    by ``"signed_votes": true`` in its ``ballot.opened`` body (absent otherwise, as in logs from before keys)."""
    required = log.constituted and signatures_required(log.charters[-1]["rules"], body["kind"])
    _require(body.get("signed_votes", False) is required and (required or "signed_votes" not in body), index,
             f"the charter {'requires' if required else 'does not require'} signed votes on a {body['kind']}, "
             "but the ballot says otherwise")
    return required


def check_vote_signature(log: ReplayedLog, index: int, ballot: ReplayedBallot, body: dict) -> None:
    """A signed ``vote.cast`` (``key_id``, ``seq``, ``signature`` in its body): the key was the member's active
    voting key, the sequence number is above the member's last, and the signature verifies over the statement; an
    unsigned one only where the ballot does not require signatures."""
    member = body["member"]
    if not SIGNATURE_FIELDS & body.keys():
        _require(not ballot.signed_only, index, f"the vote of {member!r} is unsigned, but the charter requires "
                                                f"signed votes on #{ballot.number}: it was not cast by the member")
        return
    key_id, seq, signature = body.get("key_id"), body.get("seq"), body.get("signature")
    key = log.keys.get(key_id) if isinstance(key_id, str) else None
    _require(key is not None and key.member == member and key.purpose == "vote" and key.revoked_idx is None, index,
             f"the vote of {member!r} names the key {key_id!r}, which was not an active voting key of {member!r}")
    last = log.vote_seqs.get(member, 0)
    _require(type(seq) is int and last < seq <= MAX_SEQ, index,
             f"replayed vote: the sequence number {seq!r} of {member!r} is not above its last signed one ({last})")
    statement = vote_statement(origin=log_origin(log.log_key, log.slug), number=ballot.number,
                               ballot=ballot.opened_idx, commitment=body["commitment"], seq=seq)
    try:
        verified = signature_verifies(key.public_key, decode_signature(signature), statement)  # type: ignore[union-attr]
    except SigningError:
        verified = False
    _require(verified, index, f"forged vote: the signature of {member!r} does not verify with its key {key_id}")
    log.vote_seqs[member] = seq
    log.signed_votes += 1
