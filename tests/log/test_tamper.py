"""Over a thousand random tamperings of a realistic exported log: the verifier detects and names every one."""

import json
import random

import pytest

from governance.log.canonical import canonical_bytes
from governance.log.notes import (
    format_checkpoint,
    generate_signer_key,
    parse_checkpoint,
    sign_note,
)
from governance.log.sources import parse_entries_jsonl
from governance.log.verify import VerifyError, verify_log
from tests.log.history import jsonl, resign

ENTRY_KINDS = {"canonical", "position", "log", "time"}
TAMPERINGS = {"byte": 300, "drop": 100, "duplicate": 100, "swap": 100, "swap_renumbered": 50, "append": 50,
              "truncate": 50, "rollback": 50, "result": 28, "result_resigned": 28, "other_key": 50,
              "replaced_key": 25, "fork": 100}


def detect(entries, note, key, since=None) -> VerifyError:
    with pytest.raises(VerifyError) as caught:
        verify_log(entries, note, key, since=since)
    return caught.value


def closed_ballots(entries: list[bytes]) -> list[int]:
    return [i for i, e in enumerate(entries) if json.loads(e)["type"] == "ballot.closed"]


def test_the_untouched_export_verifies(history):
    report = verify_log(history.source.entries, history.source.checkpoint, history.key)

    assert report.checkpoint.size == len(history.source.entries) >= 200
    assert report.ballots_recounted == 14


def test_a_thousand_tamperings_are_planned():
    assert sum(TAMPERINGS.values()) >= 1000


def test_a_changed_byte_in_any_leaf_is_detected(history):
    chooser, entries = random.Random(1), history.source.entries

    for _ in range(TAMPERINGS["byte"]):
        k = chooser.randrange(len(entries))
        data = bytearray(entries[k])
        position = chooser.randrange(len(data))
        data[position] = chooser.choice([b for b in range(256) if b != data[position]])
        error = detect([*entries[:k], bytes(data), *entries[k + 1:]], history.source.checkpoint, history.key)

        assert error.kind in ENTRY_KINDS | {"root"}, error
        assert error.kind == "root" or error.index == k


@pytest.mark.parametrize(("tampering", "expected"), [("drop", "index"), ("duplicate", "index"), ("swap", "index")])
def test_dropped_duplicated_or_reordered_lines_are_named(history, tampering, expected):
    chooser, lines = random.Random(tampering), jsonl(history.source.entries)

    for _ in range(TAMPERINGS[tampering]):
        changed = list(lines)
        k = chooser.randrange(len(lines) - 1)
        if tampering == "drop":
            del changed[k]
        elif tampering == "duplicate":
            changed.insert(k, changed[k])
        else:
            j = chooser.randrange(k + 1, len(lines))
            changed[k], changed[j] = changed[j], changed[k]
        with pytest.raises(VerifyError) as caught:
            verify_log(parse_entries_jsonl(changed), history.source.checkpoint, history.key)

        assert caught.value.kind == expected
        assert caught.value.index == k + (tampering == "duplicate")


def test_reordered_entries_with_renumbered_lines_are_named(history):
    chooser, entries = random.Random(2), history.source.entries

    for _ in range(TAMPERINGS["swap_renumbered"]):
        k = chooser.randrange(len(entries) - 1)
        j = chooser.randrange(k + 1, len(entries))
        changed = list(entries)
        changed[k], changed[j] = changed[j], changed[k]
        error = detect(changed, history.source.checkpoint, history.key)

        assert (error.kind, error.index) == ("position", k)


def test_an_appended_entry_is_detected(history):
    chooser, entries = random.Random(3), history.source.entries
    last = json.loads(entries[-1])

    for n in range(TAMPERINGS["append"]):
        forged = canonical_bytes({**last, "idx": len(entries), "ts": last["ts"] + chooser.randrange(1000),
                                  "body": {**last["body"], "note": f"forged {n}"}})
        error = detect([*entries, forged], history.source.checkpoint, history.key)

        assert error.kind == "size"


def test_a_truncated_log_with_the_latest_checkpoint_is_detected(history):
    chooser, entries = random.Random(4), history.source.entries

    for _ in range(TAMPERINGS["truncate"]):
        error = detect(entries[: chooser.randrange(1, len(entries))], history.source.checkpoint, history.key)

        assert error.kind == "size"


def test_a_truncated_log_with_its_own_old_checkpoint_is_caught_by_since(history):
    chooser, entries = random.Random(5), history.source.entries

    for _ in range(TAMPERINGS["rollback"]):
        size = chooser.randrange(1, len(entries))
        old_note = history.checkpoints[size]
        error = detect(entries[:size], old_note, history.key, since=history.source.checkpoint)

        assert error.kind == "rollback"
        assert error.evidence == (history.source.checkpoint, old_note)


@pytest.mark.parametrize("resigned", [False, True], ids=["outsider", "operator_resigns"])
def test_an_altered_result_is_detected(history, resigned):
    entries = history.source.entries
    origin = parse_checkpoint(history.source.checkpoint.split("\n\n")[0] + "\n").origin
    alterations = [lambda r: {**r, "outcome": "passed" if r["outcome"] != "passed" else "rejected"},
                   lambda r: {**r, "explanation": r["explanation"] + " (audited)"}]

    for k in closed_ballots(entries):
        for alter in alterations:
            event = json.loads(entries[k])
            event["body"]["result"] = alter(event["body"]["result"])
            changed = [*entries[:k], canonical_bytes(event), *entries[k + 1:]]
            note = resign(changed, history.signer_key, origin) if resigned else history.source.checkpoint
            error = detect(changed, note, history.key)

            assert (error.kind, error.index) == (("recount", k) if resigned else ("root", None))
    assert 2 * len(closed_ballots(entries)) == TAMPERINGS["result"] == TAMPERINGS["result_resigned"]


def test_a_checkpoint_signed_by_another_key_is_detected(history):
    entries = history.source.entries
    checkpoint = parse_checkpoint(history.source.checkpoint.split("\n\n")[0] + "\n")

    for _ in range(TAMPERINGS["other_key"]):
        other_signer, _ = generate_signer_key(checkpoint.origin)
        forged = sign_note(format_checkpoint(checkpoint.origin, checkpoint.size, checkpoint.root), other_signer)
        error = detect(entries, forged, history.key)

        assert error.kind == "signature"


def test_a_replaced_key_shipped_with_the_log_is_detected(history):
    entries = history.source.entries
    origin = parse_checkpoint(history.source.checkpoint.split("\n\n")[0] + "\n").origin

    for _ in range(TAMPERINGS["replaced_key"]):
        other_signer, other_key = generate_signer_key(origin)
        error = detect(entries, resign(entries, other_signer, origin), other_key)

        assert (error.kind, error.index) == ("key", 0)


def test_a_forked_history_is_caught_by_since_with_both_checkpoints_as_evidence(history):
    chooser, entries = random.Random(6), history.source.entries
    origin = parse_checkpoint(history.source.checkpoint.split("\n\n")[0] + "\n").origin

    for _ in range(TAMPERINGS["fork"]):
        seen = chooser.randrange(2, len(entries) + 1)
        k = chooser.randrange(seen)
        event = json.loads(entries[k])
        event["body"]["rewritten"] = chooser.randrange(10**6)
        changed = [*entries[:k], canonical_bytes(event), *entries[k + 1:]]
        forged = resign(changed, history.signer_key, origin)
        error = detect(changed, forged, history.key, since=history.checkpoints[seen])

        assert error.kind == "fork"
        assert error.evidence == (history.checkpoints[seen], forged)
