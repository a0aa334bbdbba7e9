"""An incremental RFC 9162 tree over stored perfect subtrees: appends, roots and proofs in O(log n) node reads."""

from collections.abc import Iterable, Mapping
from typing import Protocol

from governance.log.merkle import EMPTY_ROOT, HASH_SIZE, MerkleError, node_hash, split_point

__all__ = [
    "KnownNodes",
    "MemoryNodeStore",
    "MissingNodeError",
    "NodeKey",
    "NodeReader",
    "consistency_proof_from_store",
    "inclusion_proof_from_store",
    "nodes_to_store_after_append",
    "perfect_nodes",
    "root_from_store",
]

NodeKey = tuple[int, int]
"""(level, index): the perfect subtree over leaves [index * 2**level, (index + 1) * 2**level)."""


class NodeReader(Protocol):
    """Anything that returns the stored hashes of perfect subtrees, many per call (one query per proof)."""

    def get_nodes(self, keys: Iterable[NodeKey]) -> Mapping[NodeKey, bytes]:
        """The hashes of the requested nodes; a node the store lacks may be left out of the result."""
        ...  # pragma: no cover


class MissingNodeError(LookupError):
    """The store lacks a node that a tree of the requested size must have: the store is incomplete or corrupt."""


def perfect_nodes(begin: int, end: int) -> list[NodeKey]:
    """The perfect subtrees, left to right, whose hashes fold into MTH(D[begin:end]) for an RFC 9162 subtree range.

    >>> perfect_nodes(0, 7), perfect_nodes(4, 7), perfect_nodes(8, 16)
    ([(2, 0), (1, 2), (0, 6)], [(1, 2), (0, 6)], [(3, 1)])
    """
    keys: list[NodeKey] = []
    width = end - begin
    while width:
        level = width.bit_length() - 1
        keys.append((level, begin >> level))
        begin += 1 << level
        width -= 1 << level
    return keys


def _read(reader: NodeReader, keys: list[NodeKey]) -> Mapping[NodeKey, bytes]:
    found = reader.get_nodes(keys) if keys else {}
    for key in keys:
        value = found.get(key)
        if value is None or len(value) != HASH_SIZE:
            raise MissingNodeError(f"the store has no {HASH_SIZE}-byte hash for node (level {key[0]}, index {key[1]})")
    return found


def _fold(keys: list[NodeKey], found: Mapping[NodeKey, bytes]) -> bytes:
    value = found[keys[-1]]
    for key in reversed(keys[:-1]):
        value = node_hash(found[key], value)
    return value


def _hash_ranges(ranges: list[tuple[int, int]], reader: NodeReader) -> list[bytes]:
    """The hashes of RFC 9162 subtree ranges, from one batch read of their perfect subtrees."""
    plans = [perfect_nodes(begin, end) for begin, end in ranges]
    found = _read(reader, sorted({key for plan in plans for key in plan}))
    return [_fold(plan, found) for plan in plans]


def _check_size(size: int, what: str = "size") -> None:
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise MerkleError(f"{what} {size!r} is not a non-negative integer")


def nodes_to_store_after_append(
    size_before: int, new_leaf_hash: bytes, reader: NodeReader
) -> list[tuple[NodeKey, bytes]]:
    """The perfect subtrees that appending leaf ``size_before`` completes: the leaf itself, then each new parent.

    Reads one left sibling per trailing one bit of ``size_before`` (at most log2 n), in one batch.

    >>> from governance.log.merkle import leaf_hash
    >>> store = MemoryNodeStore()
    >>> for size_before, data in enumerate([b"a", b"b", b"c"]):
    ...     completed = nodes_to_store_after_append(size_before, leaf_hash(data), store)
    ...     store.put(completed)
    ...     print([key for key, _ in completed])
    [(0, 0)]
    [(0, 1), (1, 0)]
    [(0, 2)]
    """
    _check_size(size_before, "size_before")
    if len(new_leaf_hash) != HASH_SIZE:
        raise MerkleError(f"a leaf hash is {HASH_SIZE} bytes, not {len(new_leaf_hash)}")
    completed_levels = (~size_before & (size_before + 1)).bit_length() - 1
    siblings = [(level, (size_before >> level) - 1) for level in range(completed_levels)]
    found = _read(reader, siblings)
    value = bytes(new_leaf_hash)
    completed = [((0, size_before), value)]
    for level, index in siblings:
        value = node_hash(found[(level, index)], value)
        completed.append(((level + 1, index >> 1), value))
    return completed


def root_from_store(size: int, reader: NodeReader) -> bytes:
    """MTH(D[size]) folded from the at most log2(size) perfect subtrees that make up the first ``size`` leaves.

    >>> from governance.log.merkle import leaf_hash
    >>> store = MemoryNodeStore.from_leaf_hashes([leaf_hash(b""), leaf_hash(b"\\x00")])
    >>> root_from_store(2, store).hex()
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'
    >>> root_from_store(0, store) == EMPTY_ROOT
    True
    """
    _check_size(size)
    if size == 0:
        return EMPTY_ROOT
    return _hash_ranges([(0, size)], reader)[0]


def inclusion_proof_from_store(index: int, size: int, reader: NodeReader) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 section 2.1.3.1 from stored perfect subtrees, in one O(log n) batch read.

    >>> from governance.log.merkle import inclusion_proof, leaf_hash
    >>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
    >>> inclusion_proof_from_store(3, 5, MemoryNodeStore.from_leaf_hashes(leaves)) == inclusion_proof(leaves, 3)
    True
    """
    _check_size(size)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
        raise MerkleError(f"leaf index {index!r} is outside a tree of {size} leaves")
    ranges: list[tuple[int, int]] = []
    begin, end = 0, size
    while end - begin > 1:
        middle = begin + split_point(end - begin)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((begin, middle))
            begin = middle
    ranges.reverse()
    return _hash_ranges(ranges, reader)


def consistency_proof_from_store(old_size: int, new_size: int, reader: NodeReader) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 section 2.1.4.1 from stored perfect subtrees; 1 <= old <= new.

    >>> from governance.log.merkle import consistency_proof, leaf_hash
    >>> leaves = [leaf_hash(bytes([i])) for i in range(7)]
    >>> consistency_proof_from_store(3, 7, MemoryNodeStore.from_leaf_hashes(leaves)) == consistency_proof(leaves, 3)
    True
    """
    _check_size(old_size, "old_size")
    _check_size(new_size, "new_size")
    if old_size == 0:
        raise MerkleError("a consistency proof from the empty tree does not exist; every tree extends it")
    if old_size > new_size:
        raise MerkleError(f"old size {old_size} is larger than new size {new_size}")
    ranges: list[tuple[int, int]] = []
    begin, end, whole = 0, new_size, True
    while old_size != end:
        middle = begin + split_point(end - begin)
        if old_size <= middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((begin, middle))
            begin, whole = middle, False
    if not whole:
        ranges.append((begin, end))
    ranges.reverse()
    return _hash_ranges(ranges, reader)


class KnownNodes:
    """Nodes already in hand (read or computed during an append), then whatever is missing from ``fallback``.

    >>> from governance.log.merkle import leaf_hash
    >>> store = MemoryNodeStore.from_leaf_hashes([leaf_hash(bytes([i])) for i in range(3)])
    >>> known, store.reads = KnownNodes({(1, 0): store.levels[1][0]}, fallback=store), 0
    >>> root = root_from_store(3, known)
    >>> store.reads  # only node (0, 2) came from the fallback
    1
    >>> root == root_from_store(3, store)
    True
    """

    def __init__(self, known: Mapping[NodeKey, bytes], fallback: NodeReader | None = None) -> None:
        self.known, self.fallback = known, fallback

    def get_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        found, missing = {}, []
        for key in keys:
            value = self.known.get(key)
            if value is None:
                missing.append(key)
            else:
                found[key] = value
        if missing and self.fallback is not None:
            found.update(self.fallback.get_nodes(missing))
        return found


class MemoryNodeStore:
    """Perfect-subtree hashes kept in memory, one list per level; counts the nodes read, for tests and benchmarks.

    >>> from governance.log.merkle import leaf_hash
    >>> store = MemoryNodeStore()
    >>> for data in (b"a", b"b", b"c"):
    ...     store.append(leaf_hash(data))
    >>> store.size, store.reads
    (3, 1)
    """

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = []
        self.size = 0
        self.reads = 0

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Iterable[bytes]) -> "MemoryNodeStore":
        """A store holding every perfect subtree of a tree with these leaves."""
        store = cls()
        for value in leaf_hashes:
            store.append(value)
        return store

    def get_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        """The stored hashes of ``keys``; keys not stored are left out."""
        found = {}
        for level, index in keys:
            self.reads += 1
            if level < len(self.levels) and 0 <= index < len(self.levels[level]):
                found[(level, index)] = self.levels[level][index]
        return found

    def put(self, nodes: Iterable[tuple[NodeKey, bytes]]) -> None:
        """Store nodes, each the next one of its level (as nodes_to_store_after_append produces them)."""
        for (level, index), value in nodes:
            while len(self.levels) <= level:
                self.levels.append([])
            if index != len(self.levels[level]):
                raise MerkleError(f"node (level {level}, index {index}) does not extend its level")
            self.levels[level].append(value)
        self.size = len(self.levels[0]) if self.levels else 0

    def append(self, new_leaf_hash: bytes) -> None:
        """Append one leaf hash and the perfect subtrees it completes."""
        self.put(nodes_to_store_after_append(self.size, new_leaf_hash, self))
