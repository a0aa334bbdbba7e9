"""Member keys and signed votes as pure data: key ids, the canonical vote statement, Ed25519 signature checks.

Standard library and ``cryptography`` only, so the offline verifier checks every signed vote without the service.

A member key is an Ed25519 public key (RFC 8032), written as the standard base64 of its raw 32 bytes; its
**key id** is the lowercase hex SHA-256 of those 32 raw bytes. A signed vote signs, with the key's private half,
the UTF-8 bytes of this statement (``vote_statement``), each line ending in a newline ``\\n``::

    concord-vote/v1
    origin <the log's origin, e.g. concord.example.org/wpn-mena>
    proposal <proposal number, decimal>
    ballot <index of the ballot's ballot.opened entry in the log, decimal>
    commitment <the vote's commitment: 64 lowercase hex digits>
    seq <the member's sequence number, decimal, 1 or more>

The commitment is ``recount.vote_commitment``: the lowercase hex SHA-256 of the canonical JSON (sorted keys, no
spaces, UTF-8) of ``{"member": <slug>, "number": <proposal>, "salt": <salt>, "vote": <canonical vote>}``, with a
salt the signer chooses (``SALT``: 32 to 64 lowercase hex digits). The signature travels as standard base64 of its
64 bytes. The origin is the name of the log's key published in its first entry (``log_origin``).
"""

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Mapping
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from governance.log.recount import vote_commitment

__all__ = ["KEY_ID", "KEY_PURPOSES", "SALT", "STATEMENT_VERSION", "SigningError", "decode_public_key",
           "decode_signature", "key_id_of", "log_origin", "sign_vote", "signature_verifies", "vote_statement"]

STATEMENT_VERSION = "concord-vote/v1"
KEY_PURPOSES = ("vote", "witness")
KEY_ID = re.compile(r"[0-9a-f]{64}")
SALT = re.compile(r"[0-9a-f]{32,64}")
MAX_SEQ = 2**62


class SigningError(ValueError):
    """A key or signature that is not what it claims to be; the message says what is wrong."""


def _strict_base64(text: object, size: int, what: str) -> bytes:
    if not isinstance(text, str) or len(text) > 200:
        raise SigningError(f"{what} must be the base64 text of {size} bytes")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise SigningError(f"{what} is not base64") from None
    if len(raw) != size or base64.b64encode(raw).decode() != text:
        raise SigningError(f"{what} must be the base64 text of exactly {size} bytes (got {len(raw)})")
    return raw


def decode_public_key(text: object) -> bytes:
    """The raw 32 bytes of an Ed25519 public key written as standard base64 (with its padding).

    >>> len(decode_public_key("2T4M3PMZ6b1zX/T8nim/w7rqmW/LG61ePKRr9e+Asco="))
    32
    """
    raw = _strict_base64(text, 32, "the public key")
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise SigningError("the public key is not an Ed25519 key") from None
    return raw


def decode_signature(text: object) -> bytes:
    """The 64 bytes of an Ed25519 signature written as standard base64."""
    return _strict_base64(text, 64, "the signature")


def key_id_of(raw: bytes) -> str:
    """A key's id: the lowercase hex SHA-256 of its raw 32 bytes.

    >>> key_id_of(bytes(32))[:16]
    '66687aadf862bd77'
    """
    return hashlib.sha256(raw).hexdigest()


def log_origin(log_key: str | None, slug: str) -> str:
    """The origin a signed vote names: the name of the log's key published in its first entry (the origin of its
    checkpoints, ``<host>/<slug>``), or the coalition's slug for a log that published no key.

    >>> log_origin("concord.example/c+1a2b3c4d+AQID", "c"), log_origin(None, "c")
    ('concord.example/c', 'c')
    """
    return log_key.split("+", 1)[0] if log_key else slug


def vote_statement(*, origin: str, number: int, ballot: int, commitment: str, seq: int) -> bytes:
    """The bytes a member's key signs for one vote (``concord-vote/v1``, see the module's docstring).

    >>> vote_statement(origin="o/c", number=3, ballot=41, commitment="ab" * 32, seq=7).decode().splitlines()[-2:]
    ['commitment abababababababababababababababababababababababababababababababab', 'seq 7']
    """
    return (f"{STATEMENT_VERSION}\norigin {origin}\nproposal {number}\nballot {ballot}\n"
            f"commitment {commitment}\nseq {seq}\n").encode("utf-8")


@lru_cache(maxsize=4096)
def _loaded(public_key: bytes) -> Ed25519PublicKey:
    """A public key loaded once (a member's key checks every vote it signed)."""
    return Ed25519PublicKey.from_public_bytes(public_key)


def signature_verifies(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is an Ed25519 signature (RFC 8032) of ``message`` by ``public_key``."""
    try:
        _loaded(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_vote(private_key: Ed25519PrivateKey, *, origin: str, number: int, ballot: int, member: str,
              vote: Mapping[str, object], seq: int, salt: str | None = None) -> dict:
    """What a signer adds to a vote (``vote``: its canonical form, as ``recount.check_choice`` returns it): the salt
    (new random, unless given), the key id, ``seq`` and the signature of the statement, as the API takes them."""
    salt = salt if salt is not None else secrets.token_hex(16)
    commitment = vote_commitment(number=number, member=member, vote=vote, salt=salt)
    statement = vote_statement(origin=origin, number=number, ballot=ballot, commitment=commitment, seq=seq)
    return {"salt": salt, "key_id": key_id_of(private_key.public_key().public_bytes_raw()), "seq": seq,
            "signature": base64.b64encode(private_key.sign(statement)).decode()}
