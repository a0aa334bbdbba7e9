"""Witness cosignatures of checkpoints per C2SP tlog-cosignature (c2sp.org/tlog-cosignature, Ed25519, cosignature/v1).

Standard library and ``cryptography`` only, for the witness process and the offline verifier.

A cosignature is a signed-note signature line ``— <key name> base64(key hash || timestamp || signature)``:

- key hash: the first 4 bytes of SHA-256(<key name> || "\\n" || 0x04 || 32-byte Ed25519 public key);
- timestamp: the POSIX seconds at which it was made, 8 bytes big-endian (at most 2**63 - 1);
- signature: Ed25519 (RFC 8032) over ``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint's whole note
  body (its origin, size and root lines, ending in a newline).

Concord names a member's witness key ``<log origin>/witness/<member slug>`` (``witness_name``); a member may hold
several witness keys under that one name, which the key hash tells apart.
"""

import base64
import binascii
import hashlib
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.notes import SIGNATURE_PREFIX, Checkpoint, NoteError, format_checkpoint
from governance.log.signing import signature_verifies

__all__ = ["COSIGNATURE_ALGORITHM", "COSIGNATURE_HEADER", "Cosignature", "CosignatureError", "WitnessKey",
           "FORK_HEADER", "cosign", "cosignature_key_hash", "fork_statement", "cosignature_message", "cosignature_lines", "note_body",
           "parse_cosignature", "valid_cosigners", "verify_cosignature", "witness_name"]

COSIGNATURE_HEADER = "cosignature/v1"
COSIGNATURE_ALGORITHM = 0x04
FORK_HEADER = "concord-fork/v1"
MAX_TIMESTAMP = 2**63 - 1
_BLOB_SIZE = 4 + 8 + 64


class CosignatureError(ValueError):
    """A cosignature line that is malformed, or whose signature does not verify."""


@dataclass(frozen=True)
class Cosignature:
    """One parsed cosignature line: the key's name and hash, the time it was made, the 64-byte Ed25519 signature."""

    name: str
    key_hash: bytes
    timestamp: int
    signature: bytes

    def line(self) -> str:
        """The signature line, ending in a newline."""
        blob = self.key_hash + struct.pack(">Q", self.timestamp) + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class WitnessKey:
    """A witness key a verifier trusts: whose it is (member slug), its id in the key registry, its raw public key."""

    member: str
    key_id: str
    public_key: bytes


def witness_name(origin: str, member: str) -> str:
    """The key name of a member's witness keys for the log ``origin``.

    >>> witness_name("concord.example/wpn", "ferry-coop")
    'concord.example/wpn/witness/ferry-coop'
    """
    return f"{origin}/witness/{member}"


def cosignature_key_hash(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || "\\n" || 0x04 || public key)[:4], the key hash of an Ed25519 cosigner (tlog-cosignature, Format).

    >>> cosignature_key_hash("w", bytes(32)).hex() != hashlib.sha256(b"w\\n\\x01" + bytes(32)).digest()[:4].hex()
    True
    """
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_ALGORITHM]) + public_key).digest()[:4]


def note_body(note: str) -> str:
    """The text of a signed note up to (not including) the blank line before its signatures."""
    split = note.find("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    return note[: split + 1]


def cosignature_message(body: str, timestamp: int) -> bytes:
    """The bytes an Ed25519 cosigner signs (tlog-cosignature, Ed25519 signed message).

    >>> print(cosignature_message("example.com/behind-the-sofa\\n20852163\\n"
    ...                           "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\\n", 1679315147).decode(), end="")
    cosignature/v1
    time 1679315147
    example.com/behind-the-sofa
    20852163
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
    """
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"the timestamp {timestamp!r} must be an integer from 0 to 2**63 - 1")
    if not body.endswith("\n"):
        raise CosignatureError("the cosigned checkpoint body must end with a newline")
    return f"{COSIGNATURE_HEADER}\ntime {timestamp}\n".encode() + body.encode("utf-8")


def cosign(body: str, *, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> Cosignature:
    """Cosign the checkpoint ``body`` (origin, size, root lines) at ``timestamp`` with a witness's private key."""
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(cosignature_message(body, timestamp))
    return Cosignature(name, cosignature_key_hash(name, public), timestamp, signature)


def parse_cosignature(line: str) -> Cosignature:
    """Read one signature line ``— name base64`` whose blob has a cosignature's size (4 + 8 + 64 bytes).

    >>> parse_cosignature("— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
    ...                   "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==").timestamp
    1679315147
    """
    if not isinstance(line, str) or len(line) > 1000:
        raise CosignatureError("a cosignature is one signature line of at most 1000 characters")
    line = line.removesuffix("\n")
    if not line.startswith(SIGNATURE_PREFIX):
        raise CosignatureError("a cosignature line starts with an em dash (U+2014) and a space")
    name, _, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
    if not name or "+" in name or any(char.isspace() for char in name) or not encoded:
        raise CosignatureError("a cosignature line reads '— <key name> <base64>', the name without spaces or '+'")
    try:
        blob = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CosignatureError("the cosignature is not standard base64") from None
    if len(blob) != _BLOB_SIZE:
        raise CosignatureError(f"a cosignature holds {_BLOB_SIZE} bytes (key hash, timestamp, signature), "
                               f"not {len(blob)}")
    timestamp = struct.unpack(">Q", blob[4:12])[0]
    if timestamp > MAX_TIMESTAMP:
        raise CosignatureError("the cosignature's timestamp exceeds 2**63 - 1")
    return Cosignature(name, blob[:4], timestamp, blob[12:])


def verify_cosignature(cosignature: Cosignature, body: str, public_key: bytes) -> None:
    """Raise CosignatureError unless ``cosignature`` is ``public_key``'s cosignature of the checkpoint ``body``."""
    if cosignature.key_hash != cosignature_key_hash(cosignature.name, public_key):
        raise CosignatureError(f"the key hash {cosignature.key_hash.hex()} is not that of {cosignature.name!r} "
                               "with this key")
    if not signature_verifies(public_key, cosignature.signature, cosignature_message(body, cosignature.timestamp)):
        raise CosignatureError(f"the cosignature by {cosignature.name!r} does not verify for this checkpoint")


def cosignature_lines(note: str) -> list[Cosignature]:
    """The signature lines of a signed note that have a cosignature's shape; other lines are left out."""
    split = note.find("\n\n")
    found = []
    for line in note[split + 2:].splitlines() if split >= 0 else []:
        try:
            found.append(parse_cosignature(line))
        except CosignatureError:
            continue
    return found


def valid_cosigners(checkpoint: Checkpoint, cosignatures: Iterable[Cosignature],
                    keys: Mapping[str, WitnessKey]) -> dict[str, Cosignature]:
    """The members whose trusted witness key (``keys`` by key id) validly cosigned ``checkpoint``, one per member;
    lines by unknown keys are ignored, a known key's bad signature raises (as signed-note does)."""
    body = format_checkpoint(checkpoint.origin, checkpoint.size, checkpoint.root, checkpoint.extensions)
    by_line = {(witness_name(checkpoint.origin, key.member), cosignature_key_hash(
        witness_name(checkpoint.origin, key.member), key.public_key)): key for key in keys.values()}
    members: dict[str, Cosignature] = {}
    for cosignature in cosignatures:
        key = by_line.get((cosignature.name, cosignature.key_hash))
        if key is None:
            continue
        verify_cosignature(cosignature, body, key.public_key)
        members.setdefault(key.member, cosignature)
    return members


def fork_statement(seen: str, served: str, timestamp: int) -> bytes:
    """The bytes a witness signs to report a fork: ``concord-fork/v1``, ``time <seconds>``, then the note bodies of
    the checkpoint it had seen and of the one it was served that does not extend it.

    >>> fork_statement("o\\n1\\nA\\n", "o\\n1\\nB\\n", 5).decode().splitlines()
    ['concord-fork/v1', 'time 5', 'o', '1', 'A', 'o', '1', 'B']
    """
    if not seen.endswith("\n") or not served.endswith("\n"):
        raise CosignatureError("the checkpoint bodies of a fork report must end with a newline")
    return f"{FORK_HEADER}\ntime {timestamp}\n{seen}{served}".encode("utf-8")
