"""C2SP tlog-proof receipts (c2sp.org/tlog-proof@v1): an entry's index, inclusion proof and signed checkpoint."""

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from governance.log.merkle import HASH_SIZE, ProofError, leaf_hash, verify_inclusion
from governance.log.notes import NoteError, verify_checkpoint

__all__ = [
    "RECEIPT_HEADER",
    "Receipt",
    "ReceiptError",
    "VerifiedReceipt",
    "format_receipt",
    "parse_receipt",
    "verify_receipt",
]

RECEIPT_HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


class ReceiptError(ValueError):
    """A receipt that is malformed, whose checkpoint no trusted key signed, or whose proof does not verify."""


@dataclass(frozen=True)
class Receipt:
    """A parsed, not yet verified, tlog-proof: entry index, inclusion proof, signed checkpoint, optional extra data."""

    index: int
    proof: tuple[bytes, ...]
    signed_checkpoint: str
    extra: bytes | None = None


@dataclass(frozen=True)
class VerifiedReceipt:
    """What a verified receipt proves: entry ``index`` is in log ``origin`` at tree ``size`` with ``root``."""

    origin: str
    index: int
    size: int
    root: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def format_receipt(index: int, proof: Sequence[bytes], signed_checkpoint: str, extra: bytes | None = None) -> str:
    """The tlog-proof text: header, optional ``extra`` line, ``index N``, one base64 hash a line, blank, checkpoint.

    >>> print(format_receipt(0, [bytes(32)], "example.org/log\\n2\\n...\\n\\n\u2014 example.org/log AAAA\\n"), end="")
    c2sp.org/tlog-proof@v1
    index 0
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
    <BLANKLINE>
    example.org/log
    2
    ...
    <BLANKLINE>
    — example.org/log AAAA
    """
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 2**64:
        raise ReceiptError(f"the entry index {index!r} must be an integer from 0 to 2**64 - 1")
    if any(len(value) != HASH_SIZE for value in proof):
        raise ReceiptError(f"every inclusion proof hash must be {HASH_SIZE} bytes")
    if not signed_checkpoint.endswith("\n") or signed_checkpoint.startswith("\n"):
        raise ReceiptError("the signed checkpoint must be a whole signed note, ending in a newline")
    lines = [RECEIPT_HEADER]
    if extra is not None:
        lines.append(f"extra {_b64(extra)}")
    lines.append(f"index {index}")
    lines.extend(_b64(value) for value in proof)
    return "\n".join(lines) + "\n\n" + signed_checkpoint


def _decode(text: str, what: str) -> bytes:
    try:
        value = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ReceiptError(f"{what} {text[:60]!r} is not standard base64") from None
    if _b64(value) != text:
        raise ReceiptError(f"{what} {text[:60]!r} is not canonical base64")
    return value


def parse_receipt(text: str) -> Receipt:
    """Read a tlog-proof text; checks its shape only (see verify_receipt for the signature and the proof).

    >>> text = "c2sp.org/tlog-proof@v1\\nextra aGk=\\nindex 7\\n\\norigin\\n8\\nroot\\n\\n\u2014 k sig\\n"
    >>> receipt = parse_receipt(text)
    >>> receipt.index, receipt.proof, receipt.extra, receipt.signed_checkpoint
    (7, (), b'hi', 'origin\\n8\\nroot\\n\\n— k sig\\n')
    """
    header, separator, rest = text.partition("\n")
    if header != RECEIPT_HEADER or not separator:
        raise ReceiptError(f"a receipt starts with the line {RECEIPT_HEADER!r}")
    head, separator, signed_checkpoint = rest.partition("\n\n")
    if not separator or not signed_checkpoint:
        raise ReceiptError("a receipt needs a blank line followed by the log's signed checkpoint")
    lines = head.split("\n")
    extra = None
    if lines[0].startswith("extra "):
        extra = _decode(lines.pop(0)[len("extra ") :], "the extra data")
    index_line = _INDEX.fullmatch(lines[0]) if lines else None
    if index_line is None:
        raise ReceiptError(f"expected 'index N' (decimal, no leading zeros), found {lines[0][:60]!r}")
    index = int(index_line.group(1))
    if index >= 2**64:
        raise ReceiptError(f"the entry index {index} does not fit in 64 bits")
    proof = tuple(_decode(line, "proof hash") for line in lines[1:])
    if any(len(value) != HASH_SIZE for value in proof):
        raise ReceiptError(f"every inclusion proof hash must be {HASH_SIZE} bytes")
    return Receipt(index, proof, signed_checkpoint, extra)


def verify_receipt(
    text: str, leaf: bytes, verifier_keys: Sequence[str], *, origin: str | None = None
) -> VerifiedReceipt:
    """Verify that the entry whose exact bytes are ``leaf`` is in the log a trusted key signed (RFC 9162 + C2SP).

    Checks the checkpoint's signature against ``verifier_keys`` (and its origin, if given), then the
    inclusion proof of leaf_hash(leaf) at the receipt's index against the checkpoint's root and size.

    >>> from governance.log.notes import format_checkpoint, generate_signer_key, sign_note
    >>> skey, vkey = generate_signer_key("example.org/log")
    >>> checkpoint = sign_note(format_checkpoint("example.org/log", 1, leaf_hash(b"vote")), skey)
    >>> verify_receipt(format_receipt(0, [], checkpoint), b"vote", [vkey]).size
    1
    """
    receipt = parse_receipt(text)
    try:
        checkpoint = verify_checkpoint(receipt.signed_checkpoint, verifier_keys, origin=origin)
    except NoteError as error:
        raise ReceiptError(f"the receipt's checkpoint does not verify: {error}") from error
    try:
        verify_inclusion(leaf_hash(leaf), receipt.index, checkpoint.size, receipt.proof, checkpoint.root)
    except ProofError as error:
        raise ReceiptError(
            f"entry {receipt.index} is not proven in {checkpoint.origin} at size {checkpoint.size}: {error}"
        ) from error
    return VerifiedReceipt(checkpoint.origin, receipt.index, checkpoint.size, checkpoint.root)
