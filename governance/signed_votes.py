"""Signed votes: a vote that carries its member key's signature over the ``concord-vote/v1`` statement.

The statement, the key id and the checks are those of ``governance.log.signing``, which the offline verifier replays.
A signed vote brings the salt of its commitment (the signer computes the commitment, so the signer chooses the salt),
the key's id, the member's next sequence number and the signature. The signature is checked before the log's lock is
taken (a key's public half never changes, its id being its hash); what can change (the key revoked, the member's last
sequence number) is checked again under the lock.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from governance.errors import Conflict, RuleViolation
from governance.log.recount import vote_commitment
from governance.log.signing import (KEY_ID, MAX_SEQ, SALT, SigningError, decode_public_key, decode_signature,
                                    log_origin, signature_verifies, vote_statement)
from governance.models import Coalition, LogEntry, Member, MemberKey

__all__ = ["VoteSignature", "check_fresh", "check_signature", "origin_of", "parse_signature", "refuse_unsigned"]


@dataclass(frozen=True, slots=True)
class VoteSignature:
    """What a signed vote brings beside its choice: its commitment's salt, the key, the sequence number, the
    signature (base64 of 64 bytes)."""

    salt: str
    key_id: str
    seq: int
    signature: str

    def log_fields(self) -> dict:
        """The fields a signed vote adds to its ``vote.cast`` body."""
        return {"key_id": self.key_id, "seq": self.seq, "signature": self.signature}


def parse_signature(fields: Mapping[str, object]) -> VoteSignature | None:
    """The signature fields of a vote request (``salt``, ``key_id``, ``seq``, ``signature``): all or none."""
    given = {name: fields.get(name) for name in ("salt", "key_id", "seq", "signature")}
    if all(value is None for value in given.values()):
        return None
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise RuleViolation("A signed vote carries salt, key_id, seq and signature; %(missing)s missing.",
                            missing=", ".join(missing))
    salt, key_id, seq, signature = given.values()
    if not isinstance(salt, str) or not SALT.fullmatch(salt):
        raise RuleViolation("salt must be 32 to 64 lowercase hexadecimal digits.")
    if not isinstance(key_id, str) or not KEY_ID.fullmatch(key_id):
        raise RuleViolation("key_id must be 64 lowercase hexadecimal digits (the SHA-256 of the public key).")
    if type(seq) is not int or not 0 < seq <= MAX_SEQ:
        raise RuleViolation("seq must be a whole number from 1 to %(max)s.", max=MAX_SEQ)
    try:
        decode_signature(signature)
    except SigningError:
        raise RuleViolation("signature must be the base64 of a 64-byte Ed25519 signature.") from None
    return VoteSignature(salt, key_id, seq, str(signature))


def origin_of(session: Session, coalition: Coalition) -> str:
    """The origin a signed vote names: the name of the log key published in the log's first entry."""
    entry = session.get(LogEntry, (coalition.id, 0))
    body = json.loads(entry.data)["body"] if entry is not None else {}
    return log_origin(body.get("log_key"), coalition.slug)


def check_signature(*, origin: str, key: MemberKey | None, member: Member, number: int, ballot_idx: int,
                    choice: Mapping[str, object], signed: VoteSignature) -> str:
    """The vote's commitment, once its signature verifies with the member's voting key; the refusal says why not."""
    if key is None or key.member_id != member.id or key.purpose != "vote":
        raise RuleViolation("The key %(key_id)s is not a registered voting key of %(member)s.", key_id=signed.key_id,
                            member=member.name)
    commitment = vote_commitment(number=number, member=member.slug, vote=choice, salt=signed.salt)
    statement = vote_statement(origin=origin, number=number, ballot=ballot_idx, commitment=commitment,
                               seq=signed.seq)
    if not signature_verifies(decode_public_key(key.public_key), decode_signature(signed.signature), statement):
        raise RuleViolation("The signature does not verify with the key %(key_id)s over the concord-vote/v1 "
                            "statement of origin %(origin)s, proposal %(number)s, ballot %(ballot)s, commitment "
                            "%(commitment)s, seq %(seq)s (the commitment of the vote %(vote)s with your salt).",
                            key_id=signed.key_id, origin=origin, number=number, ballot=ballot_idx,
                            commitment=commitment, seq=signed.seq, vote=json.dumps(dict(choice), sort_keys=True))
    return commitment


def check_fresh(*, key: MemberKey, member: Member, signed: VoteSignature) -> None:
    """Under the log's lock: the key is not revoked and the sequence number is above the member's last."""
    if key.revoked_idx is not None:
        raise RuleViolation("The key %(key_id)s of %(member)s was revoked; sign with an active key.",
                            key_id=signed.key_id, member=member.name)
    if signed.seq <= member.vote_seq:
        raise Conflict("Sequence number %(seq)s is not above %(last)s, the last signed vote of %(member)s: a signed "
                       "vote cannot be replayed; sign again with a higher seq.", seq=signed.seq,
                       last=member.vote_seq, member=member.name)


def refuse_unsigned(kind: str) -> None:
    raise RuleViolation("The charter requires signed votes on %(kind)s proposals (setting signed_votes): sign this "
                        "vote with a registered member key.", kind=kind)
