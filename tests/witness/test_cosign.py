"""tlog-cosignature lines: the specification's example, and signatures that verify only for what they signed."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.cosign import (
    CosignatureError,
    WitnessKey,
    cosign,
    cosignature_lines,
    cosignature_message,
    parse_cosignature,
    valid_cosigners,
    verify_cosignature,
    witness_name,
)
from governance.log.notes import Checkpoint, format_checkpoint

SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_LINE = ("\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
             "qhf5nNo0xUe+mbIUBkBIfZ+qnA==")
"""c2sp.org/tlog-cosignature, the example note's cosignature and its signed-message example (time 1679315147)."""


def test_the_specifications_example_line_reads_as_key_hash_timestamp_and_signature() -> None:
    cosignature = parse_cosignature(SPEC_LINE)

    assert cosignature.name == "witness.example.com/w1"
    assert cosignature.key_hash.hex() == "8d66cf3f"
    assert cosignature.timestamp == 1679315147
    assert len(cosignature.signature) == 64
    assert cosignature.line() == SPEC_LINE + "\n"


def test_the_signed_message_is_the_specifications_example() -> None:
    expected = ("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
                "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")

    assert cosignature_message(SPEC_BODY, 1679315147) == expected.encode()


def test_a_cosignature_verifies_for_its_checkpoint_only() -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    made = cosign(SPEC_BODY, name="w.example/1", private_key=key, timestamp=1700000000)
    other_body = SPEC_BODY.replace("20852163", "20852164")

    verify_cosignature(parse_cosignature(made.line()), SPEC_BODY, public)
    with pytest.raises(CosignatureError):
        verify_cosignature(made, other_body, public)
    with pytest.raises(CosignatureError, match="key hash"):
        verify_cosignature(made, SPEC_BODY, Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    assert made.key_hash == hashlib.sha256(b"w.example/1\n\x04" + public).digest()[:4]  # the spec's key ID


def test_the_timestamp_is_signed() -> None:
    key = Ed25519PrivateKey.generate()
    made = cosign(SPEC_BODY, name="w.example/1", private_key=key, timestamp=1700000000)
    moved = made.__class__(made.name, made.key_hash, made.timestamp + 1, made.signature)

    with pytest.raises(CosignatureError):
        verify_cosignature(moved, SPEC_BODY, key.public_key().public_bytes_raw())


@pytest.mark.parametrize("line", ["", "- w AAAA", "\u2014 w", "\u2014 w not-base64!", "\u2014 a b " + "A" * 100,
                                  "\u2014 w " + base64.b64encode(bytes(75)).decode()])
def test_malformed_lines_are_refused(line: str) -> None:
    with pytest.raises(CosignatureError):
        parse_cosignature(line)


def test_valid_cosigners_counts_each_member_once_and_ignores_strangers() -> None:
    origin, root = "concord.test/wpn", bytes(range(32))
    checkpoint = Checkpoint(origin, 5, root)
    body = format_checkpoint(origin, 5, root)
    ferry, harbour, stranger = (Ed25519PrivateKey.generate() for _ in range(3))
    keys = {f"k{n}": WitnessKey(member, f"k{n}", key.public_key().public_bytes_raw())
            for n, (member, key) in enumerate((("ferry", ferry), ("harbour", harbour)))}
    note = "x\n\n\u2014 log AAAA\n" + "".join(
        cosign(body, name=witness_name(origin, member), private_key=key, timestamp=t).line()
        for member, key, t in (("ferry", ferry, 1), ("ferry", ferry, 2), ("harbour", harbour, 3),
                               ("stranger", stranger, 4)))

    found = valid_cosigners(checkpoint, cosignature_lines(note), keys)

    assert sorted(found) == ["ferry", "harbour"]
