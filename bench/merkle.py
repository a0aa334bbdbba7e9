"""Benchmark the public log's Merkle tree: appends and proofs from the node store, hashing against plain hashlib.

Run: .venv/bin/python bench/merkle.py [--entries 1000000] [--proofs 10000]
"""

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from governance.log.merkle import (  # noqa: E402
    consistency_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from governance.log.tree import (  # noqa: E402
    MemoryNodeStore,
    consistency_proof_from_store,
    inclusion_proof_from_store,
    root_from_store,
)

__all__ = ["main"]


def _timed(action):
    # CPU time of this process: the machine is shared, and wall time would count other processes' work.
    start = time.process_time()
    result = action()
    return result, time.process_time() - start


def _report(label: str, seconds: float, count: int, unit: str = "op") -> None:
    print(f"  {label:<52} {seconds:8.3f} s  {count / seconds:12,.0f} {unit}/s  {seconds / count * 1e6:9.2f} us/{unit}")


def bench_store(entries: list[bytes], proofs: int) -> None:
    """Append every entry to an in-memory node store, then time proofs at the full size."""
    size = len(entries)
    print(f"node store, {size:,} entries")
    hashes = [leaf_hash(entry) for entry in entries]
    store, seconds = _timed(lambda: MemoryNodeStore.from_leaf_hashes(hashes))
    _report("append (leaf hash given, completed subtrees stored)", seconds, size, "append")
    chooser = random.Random(9162)
    root, seconds = _timed(lambda: [root_from_store(size, store) for _ in range(proofs)][-1])
    _report("root_from_store", seconds, proofs)

    indices = [chooser.randrange(size) for _ in range(proofs)]
    reads_before = store.reads
    paths, seconds = _timed(lambda: [inclusion_proof_from_store(i, size, store) for i in indices])
    _report("inclusion_proof_from_store", seconds, proofs)
    print(f"  {'nodes read per inclusion proof (mean)':<52} {(store.reads - reads_before) / proofs:8.1f}")
    checks = list(zip(indices, paths, strict=True))
    _, seconds = _timed(lambda: [verify_inclusion(hashes[i], i, size, p, root) for i, p in checks])
    _report("verify_inclusion", seconds, proofs)

    olds = [chooser.randint(1, size) for _ in range(proofs)]
    old_roots = {old: root_from_store(old, store) for old in olds}
    reads_before = store.reads
    paths, seconds = _timed(lambda: [consistency_proof_from_store(old, size, store) for old in olds])
    _report("consistency_proof_from_store", seconds, proofs)
    print(f"  {'nodes read per consistency proof (mean)':<52} {(store.reads - reads_before) / proofs:8.1f}")
    checks = list(zip(olds, paths, strict=True))
    _, seconds = _timed(lambda: [verify_consistency(o, size, old_roots[o], root, p) for o, p in checks])
    _report("verify_consistency", seconds, proofs)

    sample = min(size, 100_000)
    _, seconds = _timed(lambda: consistency_proof(hashes[:sample], sample // 3 or 1))
    _report(f"merkle.consistency_proof over a list ({sample:,} leaves)", seconds, 1)


def bench_hashing(entries: list[bytes]) -> None:
    """Leaf and tree hashing against hashlib doing the same SHA-256 calls on the same bytes."""
    size = len(entries)
    print(f"hashing, {size:,} entries of {len(entries[0])} to {len(entries[-1])} bytes")
    hashes, ours = _timed(lambda: [leaf_hash(entry) for entry in entries])
    sha256 = hashlib.sha256
    _, plain = _timed(lambda: [sha256(b"\x00" + entry).digest() for entry in entries])
    _report("leaf_hash", ours, size, "leaf")
    _report("hashlib.sha256(0x00 || entry) loop", plain, size, "leaf")

    root, ours = _timed(lambda: root_hash(hashes))
    node_messages = [b"\x01" + hashes[i] + hashes[i + 1] for i in range(size - 1)]
    _, plain = _timed(lambda: [sha256(message).digest() for message in node_messages])
    _report("root_hash (n - 1 interior nodes)", ours, size - 1, "node")
    _report("hashlib.sha256 on n - 1 prepared 65-byte messages", plain, size - 1, "node")
    stream = b"".join(node_messages)
    _, raw = _timed(lambda: sha256(stream).digest())
    print(f"  {'one hashlib.sha256 over the same bytes':<52} {raw:8.3f} s  {len(stream) / raw / 1e6:12,.0f} MB/s")
    assert root == root_from_store(size, MemoryNodeStore.from_leaf_hashes(hashes))


def main(argv: list[str] | None = None) -> None:
    """Run both benchmarks and print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=10_000)
    arguments = parser.parse_args(argv)
    entries = [b'{"idx":%d,"type":"vote.cast","body":{}}' % i for i in range(arguments.entries)]
    print(f"Python {sys.version.split()[0]}; times are CPU seconds of this process")
    bench_store(entries, arguments.proofs)
    bench_hashing(entries)


if __name__ == "__main__":
    main()
