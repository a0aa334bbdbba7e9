"""Replay of the member key registry (``key.registered``, ``key.revoked``): which key was active at each entry.

Standard library and ``cryptography`` only (through ``signing``), for the offline verifier.
"""

from collections.abc import Callable, Iterable, Mapping

from governance.log.replayed import ReplayedKey, ReplayedLog, ReplayError
from governance.log.signing import KEY_PURPOSES, SigningError, decode_public_key, key_id_of

__all__ = ["KEY_HANDLERS", "key_registry", "representative_of"]

CLOSED_STATUSES = ("left", "expelled")


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
