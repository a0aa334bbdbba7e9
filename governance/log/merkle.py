"""RFC 9162 section 2.1 Merkle tree hashes, inclusion proofs and consistency proofs (standard library only)."""

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleError",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "split_point",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


class MerkleError(ValueError):
    """Arguments that do not describe a tree: a negative size, an index past the end, a hash not 32 bytes long."""


class ProofError(MerkleError):
    """A proof that does not verify; the message says which check failed."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data), the hash of one log entry (RFC 9162 section 2.1.1).

    >>> leaf_hash(b"").hex()
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
    """
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), the hash of an interior node; both children must be 32-byte hashes.

    >>> node_hash(leaf_hash(b""), leaf_hash(b"\\x00")).hex()
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'
    """
    if len(left) != HASH_SIZE or len(right) != HASH_SIZE:
        raise MerkleError(f"node children must be {HASH_SIZE}-byte hashes, got {len(left)} and {len(right)} bytes")
    return _sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly below ``size`` (size >= 2): where RFC 9162 splits a tree of that size.

    >>> split_point(2), split_point(5), split_point(8), split_point(9)
    (1, 4, 4, 8)
    """
    if size < 2:
        raise MerkleError(f"only a tree of 2 or more leaves has a split point, not {size}")
    return 1 << ((size - 1).bit_length() - 1)


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    if set(map(type, hashes)) <= {bytes} and set(map(len, hashes)) <= {HASH_SIZE}:  # the usual case, at C speed
        return
    for position, value in enumerate(hashes):
        if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
            raise MerkleError(f"{what}[{position}] is not a {HASH_SIZE}-byte hash")


def _range_root(hashes: Sequence[bytes], begin: int, end: int) -> bytes:
    """MTH(D[begin:end]) level by level, an unpaired last node rising unchanged: the same tree as RFC 9162's split."""
    if begin == end:
        return EMPTY_ROOT
    level = hashes[begin:end]
    if set(map(type, level)) != {bytes}:  # a bytearray or memoryview hash is hashed as its bytes
        level = [bytes(value) for value in level]
    while len(level) > 1:
        paired = [_sha256(b"\x01" + left + right).digest() for left, right in zip(level[::2], level[1::2])]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 section 2.1.1 over leaf hashes; the empty tree's root is SHA-256("").

    >>> root_hash([]).hex()
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    >>> root_hash([leaf_hash(b""), leaf_hash(b"\\x00")]).hex()
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'
    """
    _check_hashes(leaf_hashes, "leaf_hashes")
    return _range_root(leaf_hashes, 0, len(leaf_hashes))


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 section 2.1.3.1: sibling hashes from the leaf up to the root's child.

    >>> leaves = [leaf_hash(bytes([i])) for i in range(3)]
    >>> [h.hex()[:8] for h in inclusion_proof(leaves, 2)]
    ['a20bf9a7']
    """
    _check_hashes(leaf_hashes, "leaf_hashes")
    size = len(leaf_hashes)
    _check_index(index, size)
    path: list[bytes] = []
    begin, end = 0, size
    while end - begin > 1:
        middle = begin + split_point(end - begin)
        if index < middle:
            path.append(_range_root(leaf_hashes, middle, end))
            end = middle
        else:
            path.append(_range_root(leaf_hashes, begin, middle))
            begin = middle
    path.reverse()
    return path


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 section 2.1.4.1; old_size must be 1..n (size 0 is the caller's case).

    >>> leaves = [leaf_hash(bytes([i])) for i in range(4)]
    >>> consistency_proof(leaves, 4), len(consistency_proof(leaves, 3))
    ([], 3)
    """
    _check_hashes(leaf_hashes, "leaf_hashes")
    new_size = len(leaf_hashes)
    _check_sizes(old_size, new_size)
    proof: list[bytes] = []
    begin, end, whole = 0, new_size, True
    while old_size != end:
        middle = begin + split_point(end - begin)
        if old_size <= middle:
            proof.append(_range_root(leaf_hashes, middle, end))
            end = middle
        else:
            proof.append(_range_root(leaf_hashes, begin, middle))
            begin, whole = middle, False
    if not whole:
        proof.append(_range_root(leaf_hashes, begin, end))
    proof.reverse()
    return proof


def _check_index(index: int, size: int) -> None:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
        raise MerkleError(f"leaf index {index!r} is outside a tree of {size} leaves")


def _check_sizes(old_size: int, new_size: int) -> None:
    for value in (old_size, new_size):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise MerkleError(f"tree size {value!r} is not a non-negative integer")
    if old_size == 0:
        raise MerkleError("a consistency proof from the empty tree does not exist; every tree extends it")
    if old_size > new_size:
        raise MerkleError(f"old size {old_size} is larger than new size {new_size}")


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``leaf_hash`` sits at ``index`` in the tree of ``size`` leaves with ``root`` (RFC 9162 2.1.3.2).

    Raises ProofError saying why when it does not.

    >>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
    >>> verify_inclusion(leaves[3], 3, 5, inclusion_proof(leaves, 3), root_hash(leaves))
    >>> verify_inclusion(leaves[3], 2, 5, inclusion_proof(leaves, 3), root_hash(leaves))
    Traceback (most recent call last):
    ...
    governance.log.merkle.ProofError: the inclusion proof does not lead to the expected root
    """
    _require_hashes(proof, leaf=leaf_hash, root=root)
    if not isinstance(size, int) or not isinstance(index, int) or not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not inside a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError(f"the inclusion proof has more hashes than a tree of {size} leaves needs")
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"the inclusion proof is too short: {len(proof)} hashes for leaf {index} of {size}")
    if r != root:
        raise ProofError("the inclusion proof does not lead to the expected root")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Check that the tree (new_size, new_root) extends (old_size, old_root) (RFC 9162 2.1.4.2); old_size >= 1.

    Raises ProofError saying why when it does not.

    >>> leaves = [leaf_hash(bytes([i])) for i in range(7)]
    >>> verify_consistency(3, 7, root_hash(leaves[:3]), root_hash(leaves), consistency_proof(leaves, 3))
    >>> verify_consistency(3, 7, root_hash(leaves[:4]), root_hash(leaves), consistency_proof(leaves, 3))
    Traceback (most recent call last):
    ...
    governance.log.merkle.ProofError: the consistency proof does not lead to the old root
    """
    _require_hashes(proof, old_root=old_root, new_root=new_root)
    try:
        _check_sizes(old_size, new_size)
    except MerkleError as error:
        raise ProofError(str(error)) from None
    if old_size == new_size:
        if proof:
            raise ProofError(f"trees of equal size need an empty consistency proof, not {len(proof)} hashes")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same tree size {old_size}")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"the consistency proof has too many hashes ({len(proof)})")
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"the consistency proof is too short ({len(proof)} hashes)")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")


def _require_hashes(proof: Sequence[bytes], **named: bytes) -> None:
    for name, value in named.items():
        if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
            raise ProofError(f"{name} must be a {HASH_SIZE}-byte hash")
    for position, value in enumerate(proof):
        if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
            raise ProofError(f"proof[{position}] is not a {HASH_SIZE}-byte hash")
