"""tlog-proof receipts: the C2SP example, the transparency-dev cases, and end-to-end receipts from a stored log."""

import base64
import doctest
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.log import proofs
from governance.log.merkle import leaf_hash, root_hash
from governance.log.notes import format_checkpoint, generate_signer_key, sign_note
from governance.log.proofs import (
    RECEIPT_HEADER,
    Receipt,
    ReceiptError,
    VerifiedReceipt,
    format_receipt,
    parse_receipt,
    verify_receipt,
)
from governance.log.tree import MemoryNodeStore, inclusion_proof_from_store, root_from_store

# The example of c2sp.org/tlog-proof (C2SP/C2SP tlog-proof.md at commit 0065ea5b716154a2dd48508e3f905012a16ce5e9);
# its signatures are elided with "[...]" in the specification, so it can be parsed but never verified.
SPEC_EXAMPLE = """c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

\u2014 example.com/fancylog hI2DJw[...]1roloI=
\u2014 witness1.example mJirIklj[...]qY9v2B/5bg==
\u2014 witness2.example TnKKVHLX[...]xwYwrSjgow==
\u2014 witness3.example S4X82uH5[...]3oEcROGLFQ==
"""

ORIGIN = "example.org/concord/coalition-7"
SIGNER, VERIFIER = generate_signer_key(ORIGIN)
ENTRIES = [b'{"idx":%d,"type":"vote.cast"}' % i for i in range(21)]
STORE = MemoryNodeStore.from_leaf_hashes(leaf_hash(entry) for entry in ENTRIES)
SIGNED_CHECKPOINT = sign_note(format_checkpoint(ORIGIN, len(ENTRIES), root_from_store(len(ENTRIES), STORE)), SIGNER)


def receipt_for(index: int, checkpoint: str = SIGNED_CHECKPOINT, extra: bytes | None = None) -> str:
    return format_receipt(index, inclusion_proof_from_store(index, len(ENTRIES), STORE), checkpoint, extra=extra)


def test_the_spec_example_parses_into_its_parts() -> None:
    receipt = parse_receipt(SPEC_EXAMPLE)

    assert receipt.index == 73894
    assert receipt.extra == base64.b64decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    assert [base64.b64encode(value).decode() for value in receipt.proof] == SPEC_EXAMPLE.split("\n")[3:8]
    assert receipt.signed_checkpoint.startswith("example.com/fancylog\n109482\nsFodV/")
    assert receipt.signed_checkpoint.endswith("3oEcROGLFQ==\n")
    assert format_receipt(receipt.index, receipt.proof, receipt.signed_checkpoint, receipt.extra) == SPEC_EXAMPLE


def test_the_spec_example_does_not_verify_because_its_signatures_are_elided() -> None:
    with pytest.raises(ReceiptError, match="checkpoint does not verify"):
        verify_receipt(SPEC_EXAMPLE, b"entry", [VERIFIER])


def test_format_matches_the_transparency_dev_layout() -> None:
    # transparency-dev/merkle proof/tlog_proof.go buildTLogProof (commit 0db3ecde5eacb1b7602628e805fb623877b39637):
    # header, "extra <base64>" when present, "index N", one base64 hash per line, an empty line, the checkpoint.
    hash1 = hashlib.sha256(b"hash1").digest()

    text = format_receipt(10, [hash1], "checkpoint data\n", extra=b"extra information")

    assert text == (
        "c2sp.org/tlog-proof@v1\n"
        f"extra {base64.b64encode(b'extra information').decode()}\n"
        "index 10\n"
        f"{base64.b64encode(hash1).decode()}\n"
        "\n"
        "checkpoint data\n"
    )
    assert format_receipt(0, [], "checkpoint\n") == "c2sp.org/tlog-proof@v1\nindex 0\n\ncheckpoint\n"


@pytest.mark.parametrize(
    "text",
    [
        "wrong-header\nindex 0\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n" + base64.b64encode(bytes(64)).decode() + "\n\ncheckpoint\n",
    ],
    ids=["missing header", "extra not base64", "missing index", "index not a number", "negative index",
         "hash not base64", "hash too long"],
)
def test_transparency_dev_malformed_receipts_are_refused(text: str) -> None:
    with pytest.raises(ReceiptError):
        parse_receipt(text)


@pytest.mark.parametrize(
    "text",
    [
        "c2sp.org/tlog-proof@v1\nindex 07\n\ncheckpoint\n",  # leading zero
        "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\ncheckpoint\n",  # 2**64
        "c2sp.org/tlog-proof@v1\nindex 1\n",  # no checkpoint
        "c2sp.org/tlog-proof@v1\nindex 1\n\n",  # empty checkpoint
        "c2sp.org/tlog-proof@v2\nindex 1\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex  1\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 1\nextra aGk=\n\ncheckpoint\n",  # extra after the index
        "c2sp.org/tlog-proof@v1\nindex 1\n" + base64.b64encode(bytes(31)).decode() + "\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 1\n" + base64.b64encode(bytes(32)).decode().rstrip("=") + "\n\ncheckpoint\n",
    ],
)
def test_other_malformed_receipts_are_refused(text: str) -> None:
    with pytest.raises(ReceiptError):
        parse_receipt(text)


def test_a_receipt_for_every_entry_verifies_against_the_signed_checkpoint() -> None:
    root = root_hash([leaf_hash(entry) for entry in ENTRIES])

    for index, entry in enumerate(ENTRIES):
        verified = verify_receipt(receipt_for(index), entry, [VERIFIER], origin=ORIGIN)
        assert verified == VerifiedReceipt(ORIGIN, index, len(ENTRIES), root)


def test_a_receipt_does_not_vouch_for_other_bytes_or_another_index() -> None:
    with pytest.raises(ReceiptError, match="entry 3 is not proven"):
        verify_receipt(receipt_for(3), ENTRIES[4], [VERIFIER])
    with pytest.raises(ReceiptError, match="not proven"):
        verify_receipt(receipt_for(3).replace("index 3", "index 2"), ENTRIES[3], [VERIFIER])
    with pytest.raises(ReceiptError, match="not proven"):
        verify_receipt(receipt_for(3), leaf_hash(ENTRIES[3]), [VERIFIER])  # the entry's bytes, not its hash


def test_a_receipt_signed_by_an_untrusted_key_or_for_another_log_is_refused() -> None:
    _, stranger = generate_signer_key(ORIGIN)

    with pytest.raises(ReceiptError, match="checkpoint does not verify"):
        verify_receipt(receipt_for(0), ENTRIES[0], [stranger])
    with pytest.raises(ReceiptError, match="checkpoint does not verify.*not 'example.org/other'"):
        verify_receipt(receipt_for(0), ENTRIES[0], [VERIFIER], origin="example.org/other")


def test_a_receipt_whose_checkpoint_was_altered_is_refused() -> None:
    forged = SIGNED_CHECKPOINT.replace(f"\n{len(ENTRIES)}\n", f"\n{len(ENTRIES) + 1}\n")

    with pytest.raises(ReceiptError, match="invalid signature"):
        verify_receipt(receipt_for(0, checkpoint=forged), ENTRIES[0], [VERIFIER])


def test_witness_cosignatures_from_unknown_keys_do_not_stop_verification() -> None:
    witness_signer, witness_verifier = generate_signer_key("witness.example")
    text = SIGNED_CHECKPOINT[: SIGNED_CHECKPOINT.rfind("\n\n") + 1]
    cosigned = SIGNED_CHECKPOINT + sign_note(text, witness_signer)[len(text) + 1 :]

    verified = verify_receipt(receipt_for(5, checkpoint=cosigned, extra=b"ballot 9"), ENTRIES[5], [VERIFIER])

    assert verified.index == 5
    assert verify_receipt(receipt_for(5, checkpoint=cosigned), ENTRIES[5], [witness_verifier]).size == len(ENTRIES)


@settings(max_examples=80, deadline=None)
@given(index=st.integers(0, len(ENTRIES) - 1), data=st.data())
def test_a_tampered_receipt_never_verifies(index: int, data: st.DataObject) -> None:
    lines = receipt_for(index).split("\n")
    proof_lines = list(range(2, lines.index("")))
    if not proof_lines:
        return
    target = data.draw(st.sampled_from(proof_lines))
    raw = bytearray(base64.b64decode(lines[target]))
    bit = data.draw(st.integers(0, 255))
    raw[bit // 8] ^= 1 << (bit % 8)
    lines[target] = base64.b64encode(bytes(raw)).decode()

    with pytest.raises(ReceiptError):
        verify_receipt("\n".join(lines), ENTRIES[index], [VERIFIER])


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(0, 2**64 - 1),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=8),
    extra=st.none() | st.binary(max_size=64),
)
def test_receipts_round_trip_through_format_and_parse(index: int, proof: list[bytes], extra: bytes | None) -> None:
    text = format_receipt(index, proof, SIGNED_CHECKPOINT, extra=extra)

    assert parse_receipt(text) == Receipt(index, tuple(proof), SIGNED_CHECKPOINT, extra)
    assert text.startswith(RECEIPT_HEADER + "\n")


def test_format_refuses_what_it_could_not_parse_back() -> None:
    for index, proof, checkpoint in [(-1, [], SIGNED_CHECKPOINT), (2**64, [], SIGNED_CHECKPOINT),
                                     (0, [bytes(31)], SIGNED_CHECKPOINT), (0, [], "no newline"),
                                     (0, [], "\nleading blank line\n")]:
        with pytest.raises(ReceiptError):
            format_receipt(index, proof, checkpoint)


def test_module_exports_are_pinned() -> None:
    assert sorted(proofs.__all__) == [
        "RECEIPT_HEADER", "Receipt", "ReceiptError", "VerifiedReceipt", "format_receipt", "parse_receipt",
        "verify_receipt",
    ]


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(proofs).failed == 0
