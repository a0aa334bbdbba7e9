"""The stored-subtree tree: same roots and proofs as merkle.py, O(log n) batched reads, the reference node sets."""

import doctest
import json
import random
from collections.abc import Iterable
from pathlib import Path

import pytest

from governance.log import tree
from governance.log.merkle import (
    MerkleError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from governance.log.tree import (
    MemoryNodeStore,
    MissingNodeError,
    NodeKey,
    consistency_proof_from_store,
    inclusion_proof_from_store,
    nodes_to_store_after_append,
    root_from_store,
)

NODE_IDS = json.loads((Path(__file__).parent / "data" / "proof_node_ids.json").read_text())


class CountingReader:
    """Wraps a store and records each batch of keys asked for."""

    def __init__(self, store: MemoryNodeStore) -> None:
        self.store = store
        self.batches: list[list[NodeKey]] = []

    def get_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        batch = list(keys)
        self.batches.append(batch)
        return self.store.get_nodes(batch)

    @property
    def keys_read(self) -> list[NodeKey]:
        return [key for batch in self.batches for key in batch]


def leaf_hashes(size: int, seed: str = "entry") -> list[bytes]:
    return [leaf_hash(f"{seed} {i}".encode()) for i in range(size)]


HASHES_64 = leaf_hashes(64)
STORE_64 = MemoryNodeStore.from_leaf_hashes(HASHES_64)


@pytest.fixture(scope="module")
def big() -> tuple[list[bytes], MemoryNodeStore]:
    hashes = leaf_hashes(10_000, seed="big")
    return hashes, MemoryNodeStore.from_leaf_hashes(hashes)


def log2_ceiling(size: int) -> int:
    return max(1, (size - 1).bit_length())


def test_every_stored_node_is_the_root_of_its_leaf_range() -> None:
    for level, nodes in enumerate(STORE_64.levels):
        for index, value in enumerate(nodes):
            width = 1 << level
            assert value == root_hash(HASHES_64[index * width : (index + 1) * width])
    assert [len(nodes) for nodes in STORE_64.levels] == [64, 32, 16, 8, 4, 2, 1]


def test_an_append_stores_the_leaf_and_each_subtree_it_completes() -> None:
    store = MemoryNodeStore.from_leaf_hashes(HASHES_64[:7])

    completed = nodes_to_store_after_append(7, HASHES_64[7], store)

    assert [key for key, _ in completed] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert completed[-1][1] == root_hash(HASHES_64[:8])


def test_store_roots_and_proofs_equal_merkle_for_every_size_up_to_64() -> None:
    for size in range(1, 65):
        prefix = HASHES_64[:size]
        assert root_from_store(size, STORE_64) == root_hash(prefix)
        for index in range(size):
            assert inclusion_proof_from_store(index, size, STORE_64) == inclusion_proof(prefix, index)
        for old in range(1, size + 1):
            assert consistency_proof_from_store(old, size, STORE_64) == consistency_proof(prefix, old)


def test_store_built_one_append_at_a_time_answers_each_intermediate_size() -> None:
    store = MemoryNodeStore()
    for size in range(1, 65):
        store.append(HASHES_64[size - 1])
        assert root_from_store(size, store) == root_hash(HASHES_64[:size])
        index = (size * 7) % size
        assert inclusion_proof_from_store(index, size, store) == inclusion_proof(HASHES_64[:size], index)


def test_store_proofs_equal_merkle_at_random_sizes_up_to_ten_thousand(big: tuple) -> None:
    hashes, store = big
    chooser = random.Random(9162)
    sizes = [10_000, 8_192, 8_193, 4_097, *(chooser.randint(1, 10_000) for _ in range(30))]

    for size in sizes:
        prefix = hashes[:size]
        root = root_hash(prefix)
        index, old = chooser.randrange(size), chooser.randint(1, size)
        proof = inclusion_proof_from_store(index, size, store)
        assert root_from_store(size, store) == root
        assert proof == inclusion_proof(prefix, index)
        verify_inclusion(prefix[index], index, size, proof, root)
        consistency = consistency_proof_from_store(old, size, store)
        assert consistency == consistency_proof(prefix, old)
        verify_consistency(old, size, root_hash(prefix[:old]), root, consistency)


def test_each_operation_reads_o_log_n_nodes_in_one_batch(big: tuple) -> None:
    _, store = big
    chooser = random.Random(6962)

    for _ in range(200):
        size = chooser.randint(1, 10_000)
        index, old = chooser.randrange(size), chooser.randint(1, size)
        bound = 2 * log2_ceiling(size) + 1
        for operation, arguments in (
            (root_from_store, (size,)),
            (inclusion_proof_from_store, (index, size)),
            (consistency_proof_from_store, (old, size)),
        ):
            reader = CountingReader(store)
            operation(*arguments, reader)
            assert len(reader.batches) <= 1
            assert len(reader.keys_read) <= bound
            assert len(set(reader.keys_read)) == len(reader.keys_read)


def test_an_append_reads_one_sibling_per_trailing_one_bit() -> None:
    store = MemoryNodeStore()
    for size_before, value in enumerate(leaf_hashes(1_000)):
        reader = CountingReader(store)
        store.put(nodes_to_store_after_append(size_before, value, reader))
        trailing_ones = (size_before ^ (size_before + 1)).bit_length() - 1
        assert len(reader.keys_read) == trailing_ones
        assert len(reader.batches) == (1 if trailing_ones else 0)


@pytest.mark.parametrize("case", NODE_IDS["inclusion"], ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_inclusion_reads_exactly_the_reference_node_set(case: dict) -> None:
    reader = CountingReader(STORE_64 if case["size"] <= 64 else MemoryNodeStore.from_leaf_hashes(leaf_hashes(95)))

    inclusion_proof_from_store(case["index"], case["size"], reader)

    assert sorted(reader.keys_read) == sorted(tuple(node) for node in case["nodes"])


@pytest.mark.parametrize("case", NODE_IDS["consistency"], ids=lambda c: f"{c['old_size']}-to-{c['new_size']}")
def test_consistency_reads_exactly_the_reference_node_set(case: dict) -> None:
    reader = CountingReader(STORE_64 if case["new_size"] <= 64 else MemoryNodeStore.from_leaf_hashes(leaf_hashes(95)))

    consistency_proof_from_store(case["old_size"], case["new_size"], reader)

    assert sorted(reader.keys_read) == sorted(tuple(node) for node in case["nodes"])


def test_reference_error_cases_are_refused() -> None:
    for size, index in NODE_IDS["inclusion_errors"]:
        with pytest.raises(MerkleError):
            inclusion_proof_from_store(index, size, STORE_64)
    for old, new in NODE_IDS["consistency_errors"]:
        with pytest.raises(MerkleError):
            consistency_proof_from_store(old, new, STORE_64)
    with pytest.raises(MerkleError, match="empty tree"):
        consistency_proof_from_store(0, 5, STORE_64)


def test_a_store_missing_a_node_says_which() -> None:
    store = MemoryNodeStore.from_leaf_hashes(HASHES_64[:5])

    with pytest.raises(MissingNodeError, match=r"level 1, index 2"):
        inclusion_proof_from_store(0, 6, store)
    with pytest.raises(MissingNodeError):
        root_from_store(8, store)


def test_the_memory_store_refuses_a_node_out_of_order() -> None:
    store = MemoryNodeStore()

    with pytest.raises(MerkleError, match="does not extend"):
        store.put([((0, 1), HASHES_64[0])])


def test_module_exports_are_pinned() -> None:
    assert sorted(tree.__all__) == [
        "KnownNodes", "MemoryNodeStore", "MissingNodeError", "NodeKey", "NodeReader", "consistency_proof_from_store",
        "inclusion_proof_from_store", "nodes_to_store_after_append", "perfect_nodes", "root_from_store",
    ]


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(tree).failed == 0
