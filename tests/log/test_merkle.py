"""RFC 9162 Merkle hashing and proofs against published vectors, a literal reference and tampering properties."""

import base64
import doctest
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.log import merkle
from governance.log.merkle import (
    EMPTY_ROOT,
    MerkleError,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "rfc6962_vectors.json").read_text())
PROBES = json.loads((DATA / "transparency_dev_probes.json").read_text())
LEAVES = [bytes.fromhex(leaf) for leaf in VECTORS["leaves"]]
LEAF_HASHES = [leaf_hash(leaf) for leaf in LEAVES]
ROOTS = {int(size): bytes.fromhex(root) for size, root in VECTORS["roots"].items()}
SOME_HASH = bytes.fromhex(VECTORS["some_hash"])


def hexes(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


def b64s(values: list[str]) -> list[bytes]:
    return [base64.b64decode(value) for value in values]


# A literal transcription of RFC 9162 section 2.1 (MTH, PATH, PROOF/SUBPROOF) over raw entries,
# sharing no code with the module under test.
def reference_mth(entries: list[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(entries[:k]) + reference_mth(entries[k:])).digest()


def reference_path(m: int, entries: list[bytes]) -> list[bytes]:
    n = len(entries)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return reference_path(m, entries[:k]) + [reference_mth(entries[k:])]
    return reference_path(m - k, entries[k:]) + [reference_mth(entries[:k])]


def reference_subproof(m: int, entries: list[bytes], whole: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if whole else [reference_mth(entries)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return reference_subproof(m, entries[:k], whole) + [reference_mth(entries[k:])]
    return reference_subproof(m - k, entries[k:], False) + [reference_mth(entries[:k])]


def entries_of(size: int) -> list[bytes]:
    return [b"entry %d" % i for i in range(size)]


def test_hashes_match_the_published_rfc6962_hasher_vectors() -> None:
    for vector in VECTORS["leaf_hash_vectors"]:
        assert leaf_hash(bytes.fromhex(vector["data"])).hex() == vector["leaf_hash"]

    assert EMPTY_ROOT.hex() == VECTORS["empty_root"]
    assert root_hash([]).hex() == VECTORS["empty_root"]


def test_roots_of_the_eight_standard_leaves_match_published_roots_for_every_prefix() -> None:
    computed = {size: root_hash(LEAF_HASHES[:size]) for size in range(1, 9)}

    assert computed == ROOTS


@pytest.mark.parametrize("vector", VECTORS["inclusion_proofs"], ids=lambda v: f"{v['index']}-of-{v['size']}")
def test_inclusion_proofs_match_and_verify_published_vectors(vector: dict) -> None:
    index, size, want = vector["index"], vector["size"], hexes(vector["proof"])

    proof = inclusion_proof(LEAF_HASHES[:size], index)

    assert proof == want
    verify_inclusion(LEAF_HASHES[index], index, size, want, ROOTS[size])


@pytest.mark.parametrize("vector", VECTORS["consistency_proofs"], ids=lambda v: f"{v['old_size']}-to-{v['new_size']}")
def test_consistency_proofs_match_and_verify_published_vectors(vector: dict) -> None:
    old, new, want = vector["old_size"], vector["new_size"], hexes(vector["proof"])

    proof = consistency_proof(LEAF_HASHES[:new], old)

    assert proof == want
    verify_consistency(old, new, ROOTS[old], ROOTS[new], want)


def corrupt_inclusion_probes(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes) -> list[tuple]:
    """The probes of transparency-dev/merkle proof/verify_test.go corruptInclusionProof, in the same order."""
    probes = [
        (index - 1, size, root, leaf, proof, "leafIndex - 1"),
        (index + 1, size, root, leaf, proof, "leafIndex + 1"),
        (index ^ 2, size, root, leaf, proof, "leafIndex ^ 2"),
        (index, size * 2, root, leaf, proof, "treeSize * 2"),
        (index, size // 2, root, leaf, proof, "treeSize / 2"),
        (index, size, root, b"WrongLeaf", proof, "wrong leaf"),
        (index, size, EMPTY_ROOT, leaf, proof, "empty root"),
        (index, size, SOME_HASH, leaf, proof, "random root"),
        (index, size, root, leaf, [*proof, b""], "trailing garbage"),
        (index, size, root, leaf, [*proof, root], "trailing root"),
        (index, size, root, leaf, [b"", *proof], "preceding garbage"),
        (index, size, root, leaf, [root, *proof], "preceding root"),
    ]
    for position in range(len(proof)):
        flipped = list(proof)
        flipped[position] = bytes([proof[position][0] ^ 8]) + proof[position][1:]
        probes.append((index, size, root, leaf, flipped, f"modified proof[{position}] bit 3"))
    if proof:
        probes.append((index, size, root, leaf, proof[:-1], "removed component"))
    if len(proof) > 1:
        probes.append((index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]], "inserted component"))
    return probes


def corrupt_consistency_probes(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> list[tuple]:
    """The probes of transparency-dev/merkle proof/verify_test.go corruptConsistencyProof, in the same order."""
    probes = [
        (old - 1, new, old_root, new_root, proof, "size1 - 1"),
        (old + 1, new, old_root, new_root, proof, "size1 + 1"),
        (old ^ 2, new, old_root, new_root, proof, "size1 ^ 2"),
        (old, new * 2, old_root, new_root, proof, "size2 * 2"),
        (old, new // 2, old_root, new_root, proof, "size2 / 2"),
        (old, new, b"WrongRoot", new_root, proof, "wrong root1"),
        (old, new, old_root, b"WrongRoot", proof, "wrong root2"),
        (old, new, new_root, old_root, proof, "swapped roots"),
        (old, new, old_root, new_root, [], "empty proof"),
        (old, new, old_root, new_root, [*proof, b""], "trailing garbage"),
        (old, new, old_root, new_root, [*proof, old_root], "trailing root1"),
        (old, new, old_root, new_root, [*proof, new_root], "trailing root2"),
        (old, new, old_root, new_root, [b"", *proof], "preceding garbage"),
        (old, new, old_root, new_root, [old_root, *proof], "preceding root1"),
        (old, new, old_root, new_root, [new_root, *proof], "preceding root2"),
        (old, new, old_root, new_root, [proof[0], *proof], "preceding proof[0]"),
        (old, new, old_root, new_root, proof[:-1], "truncated proof"),
    ]
    for position in range(len(proof)):
        flipped = list(proof)
        flipped[position] = bytes([proof[position][0] ^ 16]) + proof[position][1:]
        probes.append((old, new, old_root, new_root, flipped, f"modified proof[{position}] bit 4"))
    return probes


@pytest.mark.parametrize("vector", VECTORS["inclusion_proofs"], ids=lambda v: f"{v['index']}-of-{v['size']}")
def test_every_corruption_of_a_published_inclusion_proof_is_rejected(vector: dict) -> None:
    index, size, proof = vector["index"], vector["size"], hexes(vector["proof"])
    probes = corrupt_inclusion_probes(index, size, proof, ROOTS[size], LEAF_HASHES[index])

    accepted = []
    for probe_index, probe_size, root, leaf, probe_proof, description in probes:
        try:
            verify_inclusion(leaf, probe_index, probe_size, probe_proof, root)
        except ProofError:
            continue
        accepted.append(description)

    assert accepted == []


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS["consistency_proofs"] if v["proof"]],
    ids=lambda v: f"{v['old_size']}-to-{v['new_size']}",
)
def test_every_corruption_of_a_published_consistency_proof_is_rejected(vector: dict) -> None:
    old, new, proof = vector["old_size"], vector["new_size"], hexes(vector["proof"])
    probes = corrupt_consistency_probes(old, new, ROOTS[old], ROOTS[new], proof)

    accepted = []
    for probe_old, probe_new, old_root, new_root, probe_proof, description in probes:
        try:
            verify_consistency(probe_old, probe_new, old_root, new_root, probe_proof)
        except ProofError:
            continue
        accepted.append(description)

    assert accepted == []


@pytest.mark.parametrize("item", PROBES["inclusion"], ids=lambda item: item["path"])
def test_transparency_dev_inclusion_testdata_files_give_the_expected_verdict(item: dict) -> None:
    case = item["case"]
    leaf, root, proof = base64.b64decode(case["leafHash"]), base64.b64decode(case["root"]), b64s(case["proof"])

    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, case["leafIdx"], case["treeSize"], proof, root)
    else:
        verify_inclusion(leaf, case["leafIdx"], case["treeSize"], proof, root)


@pytest.mark.parametrize("item", PROBES["consistency"], ids=lambda item: item["path"])
def test_transparency_dev_consistency_testdata_files_give_the_expected_verdict(item: dict) -> None:
    case = item["case"]
    old_root, new_root, proof = base64.b64decode(case["root1"]), base64.b64decode(case["root2"]), b64s(case["proof"])

    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(case["size1"], case["size2"], old_root, new_root, proof)
    else:
        verify_consistency(case["size1"], case["size2"], old_root, new_root, proof)


def test_single_entry_tree_needs_matching_32_byte_leaf_and_root() -> None:
    hashed = leaf_hash(b"data")

    verify_inclusion(hashed, 0, 1, [], hashed)
    for leaf, root in [(hashed, b""), (b"", hashed), (b"", b"")]:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, 0, 1, [], root)


@pytest.mark.parametrize("index, size", [(0, 0), (0, 1), (1, 0), (2, 1), (1, 1), (-1, 4)])
def test_inclusion_with_empty_proof_and_bad_hashes_or_index_is_rejected(index: int, size: int) -> None:
    for leaf, root in [(SOME_HASH, b""), (b"", EMPTY_ROOT), (SOME_HASH, EMPTY_ROOT)]:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, [], root)


def test_consistency_edge_cases_follow_the_issue_rules() -> None:
    root1, root2 = leaf_hash(b"one"), leaf_hash(b"two")

    verify_consistency(1, 1, root2, root2, [])
    verify_consistency(5, 5, root1, root1, [])
    rejected = [
        (1, 1, root1, root2, []),  # one size, two roots
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, []),  # size 0 is the caller's business
        (0, 1, EMPTY_ROOT, root1, []),
        (1, 0, root1, root2, []),  # time travel
        (2, 1, root1, root2, []),
        (1, 2, root1, root2, []),  # empty proof
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),  # equal roots, proof not empty
        (1, 2, b"short", root2, [root1]),
        (1, 2, root1, root2, [b"\x00" * 33]),
    ]
    for old, new, old_root, new_root, proof in rejected:
        with pytest.raises(ProofError):
            verify_consistency(old, new, old_root, new_root, proof)


def test_proof_generation_refuses_arguments_outside_the_tree() -> None:
    with pytest.raises(MerkleError, match="empty tree"):
        consistency_proof(LEAF_HASHES, 0)
    with pytest.raises(MerkleError, match="larger"):
        consistency_proof(LEAF_HASHES[:3], 4)
    with pytest.raises(MerkleError, match="outside"):
        inclusion_proof(LEAF_HASHES, 8)
    with pytest.raises(MerkleError, match="32-byte"):
        root_hash([b"short"])
    with pytest.raises(MerkleError, match="32-byte"):
        node_hash(b"N123", b"N456")


def test_proof_error_is_a_value_error_carrying_a_reason() -> None:
    with pytest.raises(ValueError, match="does not lead to the expected root"):
        verify_inclusion(LEAF_HASHES[0], 0, 8, inclusion_proof(LEAF_HASHES, 0), ROOTS[7])


def test_every_size_up_to_64_matches_the_literal_rfc_recursion() -> None:
    for size in range(1, 65):
        entries = entries_of(size)
        hashes = [leaf_hash(entry) for entry in entries]
        root = root_hash(hashes)
        assert root == reference_mth(entries)
        for index in range(size):
            proof = inclusion_proof(hashes, index)
            assert proof == reference_path(index, entries)
            verify_inclusion(hashes[index], index, size, proof, root)
        for old in range(1, size + 1):
            proof = consistency_proof(hashes, old)
            assert proof == reference_subproof(old, entries, True)
            verify_consistency(old, size, reference_mth(entries[:old]), root, proof)


def test_no_other_index_or_old_size_verifies_with_a_proof_for_sizes_up_to_32() -> None:
    for size in range(1, 33):
        hashes = [leaf_hash(entry) for entry in entries_of(size)]
        roots = [root_hash(hashes[:old]) for old in range(size + 1)]
        for index in range(size):
            proof = inclusion_proof(hashes, index)
            for other in set(range(size)) - {index}:
                with pytest.raises(ProofError):
                    verify_inclusion(hashes[index], other, size, proof, roots[size])
        for old in range(1, size):
            proof = consistency_proof(hashes, old)
            for other in set(range(1, size)) - {old}:
                with pytest.raises(ProofError):
                    verify_consistency(other, size, roots[old], roots[size], proof)


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[list[bytes], int]:
    size = draw(st.integers(min_value=1, max_value=300))
    return [leaf_hash(entry) for entry in entries_of(size)], draw(st.integers(min_value=0, max_value=size - 1))


def tamper(proof: list[bytes], data: st.DataObject) -> list[bytes]:
    kind = data.draw(st.sampled_from(["flip", "drop", "insert", "duplicate"] if proof else ["insert"]))
    tampered = list(proof)
    if kind == "flip":
        position = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        value = bytearray(tampered[position])
        value[bit // 8] ^= 1 << (bit % 8)
        tampered[position] = bytes(value)
    elif kind == "drop":
        del tampered[data.draw(st.integers(0, len(proof) - 1))]
    elif kind == "insert":
        tampered.insert(data.draw(st.integers(0, len(proof))), data.draw(st.binary(min_size=32, max_size=32)))
    else:
        position = data.draw(st.integers(0, len(proof) - 1))
        tampered.insert(position, tampered[position])
    return tampered


@settings(max_examples=150, deadline=None)
@given(tree=tree_and_index(), data=st.data())
def test_tampered_inclusion_proofs_never_verify(tree: tuple[list[bytes], int], data: st.DataObject) -> None:
    hashes, index = tree
    proof = tamper(inclusion_proof(hashes, index), data)

    with pytest.raises(ProofError):
        verify_inclusion(hashes[index], index, len(hashes), proof, root_hash(hashes))


@settings(max_examples=150, deadline=None)
@given(tree=tree_and_index(), data=st.data())
def test_tampered_consistency_proofs_never_verify(tree: tuple[list[bytes], int], data: st.DataObject) -> None:
    hashes, index = tree
    old = index + 1
    proof = tamper(consistency_proof(hashes, old), data)

    with pytest.raises(ProofError):
        verify_consistency(old, len(hashes), root_hash(hashes[:old]), root_hash(hashes), proof)


@settings(max_examples=100, deadline=None)
@given(tree=tree_and_index(), other=st.binary(min_size=1, max_size=40))
def test_an_inclusion_proof_never_vouches_for_another_entry(tree: tuple[list[bytes], int], other: bytes) -> None:
    hashes, index = tree
    entry = entries_of(len(hashes))[index]

    if other != entry:
        with pytest.raises(ProofError):
            verify_inclusion(leaf_hash(other), index, len(hashes), inclusion_proof(hashes, index), root_hash(hashes))


def test_module_exports_are_pinned() -> None:
    assert sorted(merkle.__all__) == [
        "EMPTY_ROOT", "HASH_SIZE", "MerkleError", "ProofError", "consistency_proof", "inclusion_proof",
        "leaf_hash", "node_hash", "root_hash", "split_point", "verify_consistency", "verify_inclusion",
    ]


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(merkle).failed == 0
