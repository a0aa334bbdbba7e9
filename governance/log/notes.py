"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and tlog checkpoints (c2sp.org/tlog-checkpoint)."""

import base64
import binascii
import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "NoteError",
    "format_checkpoint",
    "generate_signer_key",
    "parse_checkpoint",
    "sign_note",
    "verifier_key_from_signer",
    "verify_checkpoint",
    "verify_note",
]

ED25519 = 0x01
MAX_SIGNATURES = 100
SIGNATURE_PREFIX = "\u2014 "
_KEY_HASH = re.compile(r"[0-9a-fA-F]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class NoteError(ValueError):
    """A malformed key or note, or a note that no known key signed."""


class CheckpointError(NoteError):
    """Note text that is not a tlog checkpoint, or a checkpoint from another log."""


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: who issued it (origin), how many entries, the root hash, opaque extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def _is_valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(char.isspace() for char in name)


def _key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not standard base64") from None


def _public_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _encode_keys(name: str, private_key: Ed25519PrivateKey) -> tuple[str, str]:
    public_key = _public_bytes(private_key)
    seed = private_key.private_bytes_raw()
    key_hash = f"{_key_id(name, public_key):08x}"
    signer = f"PRIVATE+KEY+{name}+{key_hash}+{base64.b64encode(bytes([ED25519]) + seed).decode()}"
    verifier = f"{name}+{key_hash}+{base64.b64encode(bytes([ED25519]) + public_key).decode()}"
    return signer, verifier


def generate_signer_key(name: str) -> tuple[str, str]:
    """A new Ed25519 (signer key, verifier key) pair for ``name``, encoded as golang.org/x/mod/sumdb/note does.

    >>> signer, verifier = generate_signer_key("example.org/log")
    >>> signer.startswith("PRIVATE+KEY+example.org/log+"), verifier_key_from_signer(signer) == verifier
    (True, True)
    """
    if not _is_valid_name(name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
    return _encode_keys(name, Ed25519PrivateKey.generate())


@functools.lru_cache(maxsize=1024)  # a server signs with a few keys, many times; parsing one costs a key derivation
def _parse_signer(signer_key: str) -> tuple[str, int, Ed25519PrivateKey]:
    parts = signer_key.split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a signer key reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>")
    _, _, name, key_hash, encoded = parts
    if not _is_valid_name(name) or not _KEY_HASH.fullmatch(key_hash):
        raise NoteError("the signer key's name or key hash is malformed")
    raw = _b64decode(encoded, "the signer key")
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError("the signer key is not an Ed25519 seed (algorithm 0x01 and 32 bytes)")
    private_key = Ed25519PrivateKey.from_private_bytes(raw[1:])
    if _key_id(name, _public_bytes(private_key)) != int(key_hash, 16):
        raise NoteError(f"the signer key's hash {key_hash} does not match its name and key")
    return name, int(key_hash, 16), private_key


def verifier_key_from_signer(signer_key: str) -> str:
    """The verifier key (name+keyhash+base64 public key) that checks signatures made with ``signer_key``.

    >>> verifier_key_from_signer("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
    'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
    """
    name, _, private_key = _parse_signer(signer_key)
    return _encode_keys(name, private_key)[1]


def _parse_verifier(verifier_key: str) -> tuple[str, int, bytes]:
    parts = verifier_key.split("+", 2)
    if len(parts) != 3 or not _is_valid_name(parts[0]) or not _KEY_HASH.fullmatch(parts[1]):
        raise NoteError(f"verifier key {verifier_key!r} does not read <name>+<8 hex digits>+<base64 key>")
    name, key_hash, encoded = parts
    raw = _b64decode(encoded, f"verifier key {verifier_key!r}")
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError(f"verifier key {verifier_key!r} is not an Ed25519 key (algorithm 0x01 and 32 bytes)")
    if _key_id(name, raw[1:]) != int(key_hash, 16):
        raise NoteError(f"verifier key {verifier_key!r} has a key hash that does not match its name and key")
    return name, int(key_hash, 16), raw[1:]


def _check_note_characters(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError(f"malformed note: the {what} is not valid UTF-8") from None
    if any(char < " " and char != "\n" for char in text):
        raise NoteError(f"malformed note: the {what} holds a control character other than newline")


def sign_note(text: str, signer_key: str) -> str:
    """The signed note: ``text`` (ending in a newline), a blank line, and the signature line ``— name base64``.

    >>> skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    >>> print(sign_note("If you think cryptography is the answer to your problem,\\n"
    ...                 "then you don't know what your problem is.\\n", skey), end="")
    If you think cryptography is the answer to your problem,
    then you don't know what your problem is.
    <BLANKLINE>
    — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=
    """
    if not text.endswith("\n"):
        raise NoteError("malformed note: the text must end with a newline")
    _check_note_characters(text, "text")
    name, key_id, private_key = _parse_signer(signer_key)
    signature = private_key.sign(text.encode("utf-8"))
    encoded = base64.b64encode(key_id.to_bytes(4, "big") + signature).decode()
    return f"{text}\n{SIGNATURE_PREFIX}{name} {encoded}\n"


def _split_note(note: str | bytes) -> tuple[str, list[tuple[str, int, bytes]]]:
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("malformed note: not valid UTF-8") from None
    _check_note_characters(note, "note")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n") or split + 2 == len(note):
        raise NoteError("malformed note: expected text, a blank line, then signature lines each ending in newline")
    text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"malformed note: signature line {line[:40]!r} does not start with an em dash and a space")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        raw = _b64decode(encoded, f"the signature of {name!r}") if encoded else b""
        if not _is_valid_name(name) or len(raw) < 5:
            raise NoteError(f"malformed note: signature line {line[:40]!r} needs a key name and a base64 signature")
        signatures.append((name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return text, signatures


def _known_keys(verifier_keys: Sequence[str]) -> dict[tuple[str, int], set[bytes]]:
    known: dict[tuple[str, int], set[bytes]] = {}
    for verifier_key in verifier_keys:
        name, key_id, public_key = _parse_verifier(verifier_key)
        known.setdefault((name, key_id), set()).add(public_key)
    return known


def verify_note(note: str | bytes, verifier_keys: Sequence[str]) -> str:
    """The text of ``note`` once a known key's signature on it verifies; signatures by unknown keys are ignored.

    Follows c2sp.org/signed-note: a known key's bad signature rejects the whole note, as does a note
    that no known key signed; duplicate signatures by one key count once.

    >>> verify_note("This is an example message.\\n\\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2"
    ...             "ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\\n",
    ...             ["example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"])
    'This is an example message.\\n'
    """
    text, signatures = _split_note(note)
    known = _known_keys(verifier_keys)
    verified: set[tuple[str, int]] = set()
    for name, key_id, signature in signatures:
        keys = known.get((name, key_id))
        if keys is None or (name, key_id) in verified:
            continue
        if len(keys) > 1:
            raise NoteError(f"ambiguous key {name}+{key_id:08x}: two different verifier keys share its name and hash")
        try:
            Ed25519PublicKey.from_public_bytes(next(iter(keys))).verify(signature, text.encode("utf-8"))
        except InvalidSignature:
            raise NoteError(f"invalid signature for key {name}+{key_id:08x}") from None
        verified.add((name, key_id))
    if not verified:
        raise NoteError("the note has no signature from any of the given verifier keys")
    return text


def _check_line(value: str, what: str) -> None:
    if not isinstance(value, str) or not value or any(char < " " for char in value):
        raise CheckpointError(f"the checkpoint's {what} must be a non-empty line without control characters")


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The note text of a tlog checkpoint: origin, tree size, base64 root, then any extension lines.

    >>> print(format_checkpoint("example.org/log", 0, bytes.fromhex(
    ...     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")), end="")
    example.org/log
    0
    47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
    """
    _check_line(origin, "origin")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < 2**64:
        raise CheckpointError(f"the tree size {size!r} must be an integer from 0 to 2**64 - 1")
    if not isinstance(root, bytes | bytearray) or len(root) != 32:
        raise CheckpointError("the root must be a 32-byte SHA-256 hash")
    for extension in extensions:
        _check_line(extension, "extension line")
    lines = [origin, str(size), base64.b64encode(root).decode(), *extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Read checkpoint note text (already verified) into a Checkpoint; text off the tlog-checkpoint format is refused.

    >>> text = "example.com/behind-the-sofa\\n20852163\\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\\n"
    >>> parse_checkpoint(text).size
    20852163
    """
    if not isinstance(text, str) or not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError(f"a checkpoint has at least 3 lines (origin, size, root), this one has {len(lines)}")
    origin, size_line, root_line, *extensions = lines
    _check_line(origin, "origin")
    if not _DECIMAL.fullmatch(size_line) or int(size_line) >= 2**64:
        raise CheckpointError(f"the tree size {size_line!r} is not a decimal number without leading zeros")
    try:
        root = _b64decode(root_line, "the root hash")
    except NoteError as error:
        raise CheckpointError(str(error)) from None
    if len(root) != 32 or base64.b64encode(root).decode() != root_line:
        raise CheckpointError(f"the root hash {root_line!r} is not the base64 of 32 bytes")
    for extension in extensions:
        _check_line(extension, "extension line")
    return Checkpoint(origin, int(size_line), root, tuple(extensions))


def verify_checkpoint(
    signed_note: str | bytes, verifier_keys: Sequence[str], *, origin: str | None = None
) -> Checkpoint:
    """The checkpoint in ``signed_note`` once a known key's signature verifies; ``origin``, if given, must match.

    >>> skey, vkey = generate_signer_key("example.org/log")
    >>> note = sign_note(format_checkpoint("example.org/log", 1, bytes(32)), skey)
    >>> verify_checkpoint(note, [vkey], origin="example.org/log").size
    1
    """
    checkpoint = parse_checkpoint(verify_note(signed_note, verifier_keys))
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"the checkpoint comes from log {checkpoint.origin!r}, not {origin!r}")
    return checkpoint
