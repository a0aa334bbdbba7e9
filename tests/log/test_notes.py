"""Signed notes and checkpoints against the Go sumdb/note vectors, the C2SP examples and a real sum.golang.org head."""

import base64
import doctest
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.log import notes
from governance.log.notes import (
    Checkpoint,
    CheckpointError,
    NoteError,
    format_checkpoint,
    generate_signer_key,
    parse_checkpoint,
    sign_note,
    verifier_key_from_signer,
    verify_checkpoint,
    verify_note,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "signed_notes.json").read_text())
GO = VECTORS["go_sumdb_note"]
PETER_SKEY, PETER_VKEY, ENOCH_VKEY = GO["peter_signer_key"], GO["peter_verifier_key"], GO["enoch_verifier_key"]
TEXT, PETER_SIG, ENOCH_SIG = GO["text"], GO["peter_signature_line"], GO["enoch_signature_line"]
PETER_NOTE = TEXT + "\n" + PETER_SIG


def test_signing_the_go_vector_reproduces_its_signed_note_byte_for_byte() -> None:
    assert sign_note(TEXT, PETER_SKEY) == PETER_NOTE


def test_the_go_signer_key_derives_the_go_verifier_key() -> None:
    assert verifier_key_from_signer(PETER_SKEY) == PETER_VKEY


def test_opening_with_one_known_key_ignores_the_unknown_signer() -> None:
    assert verify_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER_VKEY]) == TEXT
    assert verify_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [ENOCH_VKEY]) == TEXT
    assert verify_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER_VKEY, ENOCH_VKEY]) == TEXT


def test_a_note_signed_by_no_known_key_is_refused() -> None:
    with pytest.raises(NoteError, match="no signature from any of the given verifier keys"):
        verify_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])


def test_a_name_or_hash_that_matches_only_in_part_is_an_unknown_key() -> None:
    misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego")

    with pytest.raises(NoteError, match="no signature"):
        verify_note(TEXT + "\n" + misnamed, [PETER_VKEY])


def test_a_bad_signature_from_a_known_key_rejects_the_whole_note() -> None:
    tampered = (TEXT + "\n").encode() + PETER_SIG.encode()[:60] + b"ABCD" + PETER_SIG.encode()[60:]

    with pytest.raises(NoteError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        verify_note(tampered, [PETER_VKEY])
    with pytest.raises(NoteError, match="invalid signature"):
        verify_note(TEXT.replace("problem,", "problem;") + "\n" + PETER_SIG, [PETER_VKEY])


def test_repeated_and_corrupt_unknown_signatures_are_skipped() -> None:
    enoch = ENOCH_SIG.encode()
    note = (TEXT + "\n").encode() + PETER_SIG.encode() * 2 + enoch * 2 + enoch[:60] + b"ABCD" + enoch[60:]

    assert verify_note(note, [PETER_VKEY]) == TEXT


def test_more_than_one_hundred_signatures_is_malformed() -> None:
    with pytest.raises(NoteError, match="more than 100"):
        verify_note(TEXT + "\n" + PETER_SIG * 101, [PETER_VKEY])
    assert verify_note(TEXT + "\n" + PETER_SIG * 100, [PETER_VKEY]) == TEXT


def test_the_same_verifier_key_twice_counts_as_one_key() -> None:
    assert verify_note(PETER_NOTE, [PETER_VKEY, ENOCH_VKEY, PETER_VKEY]) == TEXT


def test_a_malformed_verifier_key_in_the_list_is_reported() -> None:
    with pytest.raises(NoteError, match="verifier key 'PeterNeumann'"):
        verify_note(PETER_NOTE, [PETER_VKEY, "PeterNeumann"])


@pytest.mark.parametrize(
    "message",
    [
        TEXT.encode(),
        (TEXT + "\n").encode(),
        (TEXT + "\n" + PETER_SIG[:-1]).encode(),
        ("\x01" + TEXT + "\n" + PETER_SIG).encode(),
        b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
        (TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name")[:-1]).encode(),
        (TEXT + "\n" + PETER_SIG + "Unexpected line.\n").encode(),
    ],
    ids=["no signatures", "blank line only", "no final newline", "control character", "invalid utf-8",
         "name with a space", "unexpected line"],
)
def test_go_malformed_messages_are_rejected(message: bytes) -> None:
    with pytest.raises(NoteError, match="malformed note"):
        verify_note(message, [PETER_VKEY])


@pytest.mark.parametrize(
    "note",
    [
        TEXT + "\n" + PETER_SIG.replace("\u2014", "-"),  # hyphen, not em dash
        TEXT + "\n" + PETER_SIG.replace("\u2014", "\u2013"),  # en dash
        TEXT + "\n" + PETER_SIG.replace("\u2014 ", "\u2014"),  # no space after the dash
        TEXT + "\n" + PETER_SIG.replace("\n", "\r\n"),  # CRLF
        TEXT + "\n" + PETER_SIG.replace("=\n", "\n"),  # missing base64 padding
        TEXT + "\n" + "\u2014 PeterNeumann \n",  # empty signature
        TEXT + "\n" + "\u2014 PeterNeumann x08go/Y=\n",  # shorter than key id + 1 byte
        TEXT + "\n" + "\u2014 Peter+Neumann " + PETER_SIG.split()[-1] + "\n",  # plus in the name
        TEXT + "\n" + PETER_SIG + "\n",  # blank line after the signatures
        TEXT.rstrip("\n") + "\n" + PETER_SIG,  # no blank line before the signatures
        TEXT + "\n" + PETER_SIG.replace("x08go", "x08g\ud800o"),  # lone surrogate
    ],
    ids=["hyphen", "en dash", "no space", "crlf", "no padding", "empty signature", "short signature",
         "plus in name", "trailing blank line", "no separator", "surrogate"],
)
def test_other_malformed_notes_are_rejected(note: str) -> None:
    with pytest.raises(NoteError):
        verify_note(note, [PETER_VKEY])


def test_every_mangling_of_the_go_verifier_key_is_refused() -> None:
    accepted = []
    for begin in range(len(PETER_VKEY) + 1):
        for end in range(begin + 1, len(PETER_VKEY) + 1):
            if (begin, end) != (0, len(PETER_VKEY)) and _accepts_verifier(PETER_VKEY[begin:end]):
                accepted.append(PETER_VKEY[begin:end])
    for position in range(len(PETER_VKEY)):
        mangled = PETER_VKEY[:position] + chr(ord(PETER_VKEY[position]) + 1) + PETER_VKEY[position + 1 :]
        if _accepts_verifier(mangled):
            accepted.append(mangled)

    assert accepted == []
    assert not any(_accepts_verifier(key) for key in GO["bad_verifier_keys"])


def test_every_mangling_of_the_go_signer_key_is_refused() -> None:
    accepted = []
    for begin in range(len(PETER_SKEY) + 1):
        for end in range(begin + 1, len(PETER_SKEY) + 1):
            if (begin, end) != (0, len(PETER_SKEY)) and _accepts_signer(PETER_SKEY[begin:end]):
                accepted.append(PETER_SKEY[begin:end])
    for position in range(len(PETER_SKEY)):
        mangled = PETER_SKEY[:position] + chr(ord(PETER_SKEY[position]) + 1) + PETER_SKEY[position + 1 :]
        if _accepts_signer(mangled):
            accepted.append(mangled)

    assert accepted == []


def _accepts_verifier(key: str) -> bool:
    try:
        verify_note(PETER_NOTE, [key])
    except NoteError as error:
        return not str(error).startswith("verifier key")  # parsed, then found no signature of its own
    return True


def _accepts_signer(key: str) -> bool:
    try:
        verifier_key_from_signer(key)
    except NoteError:
        return False
    return True


def test_sign_refuses_text_without_final_newline_or_with_control_characters() -> None:
    with pytest.raises(NoteError, match="end with a newline"):
        sign_note("abc", PETER_SKEY)
    with pytest.raises(NoteError, match="control character"):
        sign_note("a\tb\n", PETER_SKEY)


def test_the_c2sp_spec_example_note_verifies_with_its_key() -> None:
    example = VECTORS["c2sp_signed_note_example"]

    assert verify_note(example["note"], [example["verifier_key"]]) == example["text"]


def test_the_c2sp_intro_note_keeps_its_inner_blank_line_and_is_unverifiable_without_its_key() -> None:
    note = VECTORS["c2sp_signed_note_intro_example"]["note"]

    with pytest.raises(NoteError, match="no signature"):
        verify_note(note, [PETER_VKEY])
    assert sign_note(note[: note.rfind("\n\n") + 1], PETER_SKEY).startswith("Ognuno sta solo")


def test_a_real_sum_golang_org_checkpoint_verifies_and_parses() -> None:
    vector = VECTORS["sum_golang_org_checkpoint"]

    checkpoint = verify_checkpoint(vector["note"], [vector["verifier_key"]], origin=vector["origin"])

    assert checkpoint == Checkpoint(vector["origin"], vector["size"], base64.b64decode(vector["root_base64"]))
    tampered = vector["note"].replace("49189689", "49189690")
    with pytest.raises(NoteError, match="invalid signature"):
        verify_checkpoint(tampered, [vector["verifier_key"]])
    with pytest.raises(CheckpointError, match="not 'example.org/log'"):
        verify_checkpoint(vector["note"], [vector["verifier_key"]], origin="example.org/log")


def test_the_tlog_checkpoint_spec_example_parses() -> None:
    vector = VECTORS["tlog_checkpoint_example"]
    text = vector["note"][: vector["note"].rfind("\n\n") + 1]

    checkpoint = parse_checkpoint(text)

    assert checkpoint == Checkpoint(vector["origin"], vector["size"], base64.b64decode(vector["root_base64"]))
    assert format_checkpoint(checkpoint.origin, checkpoint.size, checkpoint.root) == text


@pytest.mark.parametrize(
    "text",
    [
        "origin\n5\n" + base64.b64encode(bytes(32)).decode(),  # no final newline
        "origin\n5\n",  # two lines
        "\n5\n" + base64.b64encode(bytes(32)).decode() + "\n",  # empty origin
        "origin\n05\n" + base64.b64encode(bytes(32)).decode() + "\n",  # leading zero
        "origin\n-5\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n+5\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n\u0665\n" + base64.b64encode(bytes(32)).decode() + "\n",  # Arabic-Indic digit five
        "origin\n18446744073709551616\n" + base64.b64encode(bytes(32)).decode() + "\n",  # 2**64
        "origin\n5\n" + base64.b64encode(bytes(31)).decode() + "\n",  # short root
        "origin\n5\n" + base64.b64encode(bytes(32)).decode().rstrip("=") + "\n",  # unpadded
        "origin\n5\n" + base64.urlsafe_b64encode(b"\xff" * 32).decode() + "\n",  # URL alphabet
        "origin\n5\n" + base64.b64encode(bytes(32)).decode() + "\n\n",  # empty extension line
        "origin\n5\n" + base64.b64encode(bytes(32)).decode() + "\next\tension\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_format_checkpoint_refuses_bad_fields() -> None:
    for origin, size, root, extensions in [
        ("", 1, bytes(32), ()),
        ("a\nb", 1, bytes(32), ()),
        ("origin", -1, bytes(32), ()),
        ("origin", 2**64, bytes(32), ()),
        ("origin", True, bytes(32), ()),
        ("origin", 1, bytes(31), ()),
        ("origin", 1, bytes(32), ("",)),
        ("origin", 1, bytes(32), ("two\nlines",)),
    ]:
        with pytest.raises(CheckpointError):
            format_checkpoint(origin, size, root, extensions)


def test_generated_keys_sign_and_verify_and_refuse_other_keys() -> None:
    signer, verifier = generate_signer_key("example.org/concord")
    _, stranger = generate_signer_key("example.org/concord")

    note = sign_note(format_checkpoint("example.org/concord", 3, bytes(32), ["ext"]), signer)

    assert verify_checkpoint(note, [verifier]) == Checkpoint("example.org/concord", 3, bytes(32), ("ext",))
    with pytest.raises(NoteError):
        verify_note(note, [stranger])
    with pytest.raises(NoteError, match="key name"):
        generate_signer_key("has space")
    with pytest.raises(NoteError, match="key name"):
        generate_signer_key("a+b")


@settings(max_examples=60, deadline=None)
@given(
    origin=st.text(st.characters(min_codepoint=0x21, exclude_categories=["Cs"]), min_size=1, max_size=30),
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), min_size=1), max_size=3),
)
def test_checkpoints_round_trip_through_format_and_parse(origin: str, size: int, root: bytes, extensions: list) -> None:
    assert parse_checkpoint(format_checkpoint(origin, size, root, extensions)) == Checkpoint(
        origin, size, root, tuple(extensions)
    )


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]) | st.just("\n")), position=st.data())
def test_any_text_signs_and_verifies_and_any_changed_character_fails(text: str, position: st.DataObject) -> None:
    text += "\n"
    note = sign_note(text, PETER_SKEY)

    assert verify_note(note, [PETER_VKEY]) == text
    where = position.draw(st.integers(0, len(text) - 1))
    if text[where] != "\n":
        changed = text[:where] + chr(ord(text[where]) ^ 1) + text[where + 1 :]
        with pytest.raises(NoteError):
            verify_note(changed + note[len(text) :], [PETER_VKEY])


def test_module_exports_are_pinned() -> None:
    assert sorted(notes.__all__) == [
        "Checkpoint", "CheckpointError", "NoteError", "format_checkpoint", "generate_signer_key",
        "parse_checkpoint", "sign_note", "verifier_key_from_signer", "verify_checkpoint", "verify_note",
    ]


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(notes).failed == 0
